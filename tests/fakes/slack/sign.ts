import { createHmac } from "node:crypto";

/** The two headers Slack puts on every request it sends to an app (events, commands, interactions). */
export interface SlackSignatureHeaders {
  "x-slack-signature": string;
  "x-slack-request-timestamp": string;
}

/**
 * Signs `body` the way Slack does (signature version v0): HMAC-SHA256 of `v0:{timestamp}:{body}`
 * keyed with the app's signing secret, hex-encoded, prefixed with `v0=`.
 *
 * @param timestamp seconds since the epoch; defaults to now (Bolt rejects requests older than 5 minutes)
 * @example
 * const body = "token=x&command=%2Fnews&text=latest";
 * await fetch(url, { method: "POST", body, headers: { ...signSlackRequest(secret, body), "content-type": "application/x-www-form-urlencoded" } });
 */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const digest = createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "x-slack-signature": `v0=${digest}`, "x-slack-request-timestamp": String(timestamp) };
}

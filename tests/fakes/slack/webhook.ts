/**
 * Incoming webhooks answer in plain text, not JSON: `ok` with 200, or an error code with a
 * 4xx status (`invalid_payload` 400, `no_text` 400, `invalid_blocks` 400, `channel_is_archived`
 * 410, `channel_not_found` 404, `rate_limited` 429 + Retry-After).
 */
import { isContentError, readMessageContent } from "./message.ts";
import type { PerKeyRateLimiter } from "./ratelimit.ts";
import type { ApiArgs } from "./request.ts";
import type { SlackWorkspace } from "./workspace.ts";

export interface WebhookResponse {
  status: number;
  text: string;
  headers?: Record<string, string>;
}

export interface IncomingWebhook {
  id: string;
  channel: string;
}

const CONTENT_ERROR_STATUS: Record<string, number> = {
  no_text: 400,
  invalid_blocks: 400,
  invalid_blocks_format: 400,
  invalid_attachments: 400,
  too_many_attachments: 400,
  msg_too_long: 400,
  invalid_arguments: 400,
};

function parsePayload(body: Buffer): ApiArgs | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as ApiArgs) : undefined;
  } catch {
    return undefined;
  }
}

/** Posts one webhook payload into the hook's channel, or says why Slack would refuse it. */
export function handleWebhookPost(
  hook: IncomingWebhook,
  body: Buffer,
  workspace: SlackWorkspace,
  limiter: PerKeyRateLimiter,
  onRateLimited: (key: string) => void,
): WebhookResponse {
  const payload = parsePayload(body);
  if (!payload) return { status: 400, text: "invalid_payload" };
  const channel = workspace.findChannel(hook.channel);
  if (!channel || channel.error === "channel_not_found") return { status: 404, text: "channel_not_found" };
  if (channel.error === "is_archived") return { status: 410, text: "channel_is_archived" };
  if (channel.error === "not_in_channel") return { status: 403, text: "action_prohibited" };
  const content = readMessageContent(payload);
  if (isContentError(content)) {
    const code = content.error === "invalid_blocks_format" ? "invalid_blocks" : content.error;
    return { status: CONTENT_ERROR_STATUS[content.error] ?? 400, text: code };
  }
  const decision = limiter.take(`webhook:${hook.id}`);
  if (!decision.allowed) {
    onRateLimited(`webhook:${hook.id}`);
    return { status: 429, text: "rate_limited", headers: { "retry-after": String(decision.retryAfterSeconds) } };
  }
  const threadTs = typeof payload.thread_ts === "string" ? payload.thread_ts : undefined;
  workspace.recordMessage({
    channel: channel.id,
    ts: workspace.nextTs(),
    text: content.text,
    blocks: content.blocks,
    files: [],
    via: "webhook",
    ...(threadTs ? { threadTs } : {}),
  });
  return { status: 200, text: "ok" };
}

/**
 * Maps what the WebClient throws onto Herald's error family. Slack answers
 * almost everything with HTTP 200 and `{ ok: false, error: "<code>" }`, so
 * the code decides the class. Messages name the Slack method and code and
 * what to do about it; they never include the token, request bodies or the
 * WebClient's own message (which can carry upload URLs).
 */
import { ErrorCode } from "@slack/web-api";
import {
  type AdapterError,
  AuthenticationError,
  looksTimedOut,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ValidationError,
} from "../../src/errors.ts";
import { redactSecrets } from "../../src/net/redact.ts";

const PLATFORM = "slack" as const;

const AUTH = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "not_allowed_token_type",
]);
const PERMISSION = new Set([
  "not_in_channel",
  "is_archived",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_thread_only_channel",
  "restricted_action_non_threadable_channel",
  "missing_scope",
  "cant_update_message",
  "cant_delete_message",
  "cant_delete_file",
  "ekm_access_denied",
  "team_access_not_granted",
  "channel_is_archived",
]);
const NOT_FOUND = new Set([
  "channel_not_found",
  "message_not_found",
  "thread_not_found",
  "file_not_found",
  "file_deleted",
  "user_not_found",
]);
const SERVER = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout"]);
const RATE_LIMITED = new Set(["ratelimited", "rate_limited"]);

/** What to do, for the codes an admin can fix. */
const HINTS: Record<string, string> = {
  not_in_channel: "invite the Herald app to the channel (/invite @Herald)",
  is_archived: "the channel is archived",
  missing_scope: "reinstall the app with the scopes in config/slack-manifest.yaml",
  invalid_auth: "check SLACK_BOT_TOKEN",
  not_authed: "set SLACK_BOT_TOKEN",
  token_revoked: "the app was uninstalled or its token revoked; reinstall it and update SLACK_BOT_TOKEN",
  account_inactive: "the bot user was deactivated; reinstall the app",
  channel_not_found: "check the channel id, and that the app can see the channel",
};

interface PlatformData {
  error?: unknown;
  needed?: unknown;
  response_metadata?: { messages?: unknown; retryAfter?: unknown };
}

function codeOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
    ? (error as { code: string }).code
    : undefined;
}

/** Slack's explanation lines (`[ERROR] … [json-pointer:/blocks/0/…]`); redacted all the same, as they are remote text. */
function explanation(data: PlatformData): string {
  const messages = data.response_metadata?.messages;
  if (!Array.isArray(messages)) return "";
  const lines = messages.filter((line): line is string => typeof line === "string").slice(0, 3);
  return lines.length > 0 ? `: ${redactSecrets(lines.join("; "))}` : "";
}

/** apps.connections.open authenticates with the app-level token, so its auth codes point at SLACK_APP_TOKEN. */
const APP_TOKEN_HINTS: Record<string, string> = {
  invalid_auth: "check SLACK_APP_TOKEN",
  not_authed: "set SLACK_APP_TOKEN",
  token_revoked: "the app-level token was revoked; create a new one with connections:write and update SLACK_APP_TOKEN",
  not_allowed_token_type: "SLACK_APP_TOKEN must be an app-level token (xapp-…) with connections:write",
};

function fromPlatform(action: string, data: PlatformData): AdapterError {
  const code = typeof data.error === "string" ? data.error : "unknown_error";
  const details = { method: apiMethod(action), platformCode: code };
  const hint = (action.startsWith("apps.connections.open") ? APP_TOKEN_HINTS[code] : undefined) ?? HINTS[code];
  const needed = code === "missing_scope" && typeof data.needed === "string" ? ` (needs ${data.needed})` : "";
  const text = `${action} failed: ${code}${needed}${hint ? ` — ${hint}` : ""}${explanation(data)}`;
  if (AUTH.has(code)) return new AuthenticationError(PLATFORM, text, details);
  if (PERMISSION.has(code)) return new PermissionError(PLATFORM, text, details);
  if (NOT_FOUND.has(code)) return new NotFoundError(PLATFORM, text, details);
  if (RATE_LIMITED.has(code)) {
    const seconds = Number(data.response_metadata?.retryAfter);
    return new RateLimitError(PLATFORM, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000, text, details);
  }
  if (SERVER.has(code)) return new NetworkError(PLATFORM, text, { ...details, status: 500 });
  // invalid_blocks, msg_too_long, no_text, invalid_arguments … and codes Herald does not know: the same request cannot succeed.
  return new ValidationError(PLATFORM, text, details);
}

/** "A rate limit was exceeded (url: …, retry-after: 3)": what the WebClient throws when its retries ran out on 429s. */
const RATE_LIMIT_EXHAUSTED = /^A rate limit was exceeded \(.*retry-after: (\d+)\)$/;

/**
 * The Herald error for a failed Slack call.
 *
 * @param action what Herald was doing, e.g. "chat.postMessage" — shown in the message
 * @example throw toSlackError(error, "chat.postMessage") // PermissionError "slack: chat.postMessage failed: not_in_channel — invite …"
 */
export function toSlackError(error: unknown, action: string): AdapterError {
  const code = codeOf(error);
  const method = apiMethod(action);
  if (code === ErrorCode.PlatformError || code === ErrorCode.FileUploadInvalidArgumentsError) {
    return fromPlatform(action, (error as { data?: PlatformData }).data ?? {});
  }
  if (code === ErrorCode.RateLimitedError) {
    const seconds = (error as { retryAfter?: number }).retryAfter ?? 1;
    return new RateLimitError(PLATFORM, seconds * 1000, `${action} rate limited, retry after ${seconds} s`, { method });
  }
  if (code === ErrorCode.HTTPError) {
    const status = (error as { statusCode?: number }).statusCode ?? 0;
    if (status === 429) return new RateLimitError(PLATFORM, 1000, `${action} rate limited`, { method });
    if (status === 401 || status === 403)
      return new AuthenticationError(PLATFORM, `${action} answered HTTP ${status}`, { method, status });
    if (status >= 500) return new NetworkError(PLATFORM, `${action} answered HTTP ${status}`, { method, status });
    return new ValidationError(PLATFORM, `${action} answered HTTP ${status}`, { method, status });
  }
  if (code === ErrorCode.RequestError) {
    // The message is the socket error ("connect ECONNREFUSED …", "timeout of 30000ms exceeded").
    const reason = (error as Error).message.replace(/^A request error occurred: /, "");
    return new NetworkError(PLATFORM, `${action} could not reach Slack: ${reason}`, {
      method,
      timedOut: looksTimedOut(error),
    });
  }
  if (error instanceof Error) {
    const exhausted = RATE_LIMIT_EXHAUSTED.exec(error.message);
    if (exhausted) {
      const seconds = Number(exhausted[1]);
      return new RateLimitError(
        PLATFORM,
        seconds * 1000,
        `${action} still rate limited after retrying, retry after ${seconds} s`,
        { method },
      );
    }
  }
  return new NetworkError(
    PLATFORM,
    `${action} failed unexpectedly: ${scrub(error instanceof Error ? error.message : String(error))}`,
    {
      method,
      timedOut: looksTimedOut(error),
    },
  );
}

/** The Web API method an action names (`chat.postMessage`, from "apps.connections.open (Socket Mode)"), if it names one. */
function apiMethod(action: string): string | undefined {
  return /^[a-z]+(?:\.[A-Za-z]+)+/.exec(action)?.[0];
}

/** Drops anything token- or URL-shaped from a message Herald did not write. */
function scrub(text: string): string {
  return redactSecrets(text)
    .replace(/xox[a-z]-[\w-]+|xapp-[\w-]+/gi, "[token]")
    .replace(/https?:\/\/\S+/gi, "[url]")
    .slice(0, 200);
}

/** Whether a failed call was Slack saying `code` (e.g. "file_not_found"). */
export function isSlackCode(error: unknown, ...codes: string[]): boolean {
  if (codeOf(error) !== ErrorCode.PlatformError) return false;
  const data = (error as { data?: PlatformData }).data;
  return typeof data?.error === "string" && codes.includes(data.error);
}

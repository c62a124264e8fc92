/**
 * One error family for every platform. Adapters map HTTP statuses and
 * platform error codes onto these; the deliver job decides from the class
 * alone whether to retry, wait, or give up — it never looks at a status code.
 */
/** A platform's registry id (or the id of one of its posting kinds, e.g. a webhook): adapters/registry.ts lists them. */
export type Platform = string;

export type AdapterErrorCode =
  | "rate_limited"
  | "auth"
  | "permission"
  | "not_found"
  | "validation"
  | "network"
  | "server";

/**
 * What an adapter knows about a failed call, as fields: code that decides or counts something (the deliver
 * job, metrics, the attempt history) reads these, never the message. None of them may hold a secret.
 */
export interface AdapterErrorDetails {
  cause?: unknown | undefined;
  /** The HTTP status of the platform's answer, when one came. */
  status?: number | undefined;
  /** The API method (`chat.postMessage`, `sendPhoto`) or HTTP method and route (`POST /channels/:id/messages`). */
  method?: string | undefined;
  /** The request path with every token masked (`/webhooks/123/***`); unset where the method says it all (Slack's Web API). */
  path?: string | undefined;
  /** The platform's own error code: Discord's 50013, Slack's `not_in_channel`, Telegram's `PEER_ID_INVALID` or `error_code`. */
  platformCode?: number | string | undefined;
  /** How long the platform asked to wait before the next try. */
  retryAfterMs?: number | undefined;
  /** No answer came in time (connect, headers or body), as opposed to a refused or broken connection. */
  timedOut?: boolean | undefined;
}

export class AdapterError extends Error {
  override name = "AdapterError";
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly platformCode: number | string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly timedOut: boolean;
  constructor(
    readonly platform: Platform,
    readonly code: AdapterErrorCode,
    message: string,
    /** Whether trying the same request again later can succeed. */
    readonly retryable: boolean,
    details: AdapterErrorDetails = {},
  ) {
    super(`${platform}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.platformCode = details.platformCode;
    this.retryAfterMs = details.retryAfterMs;
    this.timedOut = details.timedOut ?? false;
  }
}

/** The platform asked us to slow down; `retryAfterMs` is how long it said to wait. */
export class RateLimitError extends AdapterError {
  override name = "RateLimitError";
  declare readonly retryAfterMs: number;
  constructor(
    platform: Platform,
    retryAfterMs: number,
    message = `rate limited, retry after ${retryAfterMs} ms`,
    details: AdapterErrorDetails = {},
  ) {
    super(platform, "rate_limited", message, true, { status: 429, ...details, retryAfterMs });
  }
}

/** The token or signing secret is wrong: nothing will work until an admin fixes it. */
export class AuthenticationError extends AdapterError {
  override name = "AuthenticationError";
  constructor(platform: Platform, message: string, details: AdapterErrorDetails = {}) {
    super(platform, "auth", message, false, details);
  }
}

/** The bot may not post there (missing permission, kicked from the chat). */
export class PermissionError extends AdapterError {
  override name = "PermissionError";
  constructor(platform: Platform, message: string, details: AdapterErrorDetails = {}) {
    super(platform, "permission", message, false, details);
  }
}

/** The channel, chat or webhook no longer exists. */
export class NotFoundError extends AdapterError {
  override name = "NotFoundError";
  constructor(platform: Platform, message: string, details: AdapterErrorDetails = {}) {
    super(platform, "not_found", message, false, details);
  }
}

/** The platform rejected the request body: retrying the same body cannot help. */
export class ValidationError extends AdapterError {
  override name = "ValidationError";
  constructor(platform: Platform, message: string, details: AdapterErrorDetails = {}) {
    super(platform, "validation", message, false, details);
  }
}

/** Connection failures, timeouts and 5xx answers: worth another try. */
export class NetworkError extends AdapterError {
  override name = "NetworkError";
  constructor(platform: Platform, message: string, details: AdapterErrorDetails = {}) {
    super(platform, details.status && details.status >= 500 ? "server" : "network", message, true, details);
  }
}

/**
 * Whether a client library's failure (or one of its causes) is a timeout: `ETIMEDOUT`, undici's
 * `UND_ERR_*_TIMEOUT`, a `TimeoutError`, or a message saying so ("timeout of 30000ms exceeded").
 * Adapters ask this once, where they map the failure, and keep the answer as {@link AdapterError.timedOut}.
 */
export function looksTimedOut(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    current && typeof current === "object" && depth < 5;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === "string" && /TIMEOUT|TIMEDOUT/i.test(code)) return true;
    if (name === "TimeoutError") return true;
    if (typeof message === "string" && /\btime(d)?\s?out\b/i.test(message)) return true;
  }
  return false;
}

/** Maps an HTTP status (and the platform's own words for it) onto the family. */
export function errorFromStatus(
  platform: Platform,
  status: number,
  detail: string,
  details: Omit<AdapterErrorDetails, "status"> = {},
): AdapterError {
  const known = { ...details, status };
  if (status === 429)
    return new RateLimitError(platform, details.retryAfterMs ?? 1000, `rate limited (${detail})`, known);
  if (status === 401) return new AuthenticationError(platform, `unauthorised (${detail})`, known);
  if (status === 403) return new PermissionError(platform, `forbidden (${detail})`, known);
  if (status === 404 || status === 410) return new NotFoundError(platform, `not found (${detail})`, known);
  if (status >= 500) return new NetworkError(platform, `server error ${status} (${detail})`, known);
  return new ValidationError(platform, `rejected with ${status} (${detail})`, known);
}

/**
 * One error family for every platform. Adapters map HTTP statuses and
 * platform error codes onto these; the deliver job decides from the class
 * alone whether to retry, wait, or give up — it never looks at a status code.
 */
/** A platform's registry id (or the id of one of its posting kinds, e.g. a webhook): adapters/registry.ts lists them. */
export type Platform = string;

export type AdapterErrorCode = "rate_limited" | "auth" | "permission" | "not_found" | "validation" | "network" | "server";

export class AdapterError extends Error {
  override name = "AdapterError";
  constructor(
    readonly platform: Platform,
    readonly code: AdapterErrorCode,
    message: string,
    /** Whether trying the same request again later can succeed. */
    readonly retryable: boolean,
    options?: { cause?: unknown; status?: number },
  ) {
    super(`${platform}: ${message}`, options);
    this.status = options?.status;
  }
  readonly status: number | undefined;
}

/** The platform asked us to slow down; `retryAfterMs` is how long it said to wait. */
export class RateLimitError extends AdapterError {
  override name = "RateLimitError";
  constructor(
    platform: Platform,
    readonly retryAfterMs: number,
    message = `rate limited, retry after ${retryAfterMs} ms`,
  ) {
    super(platform, "rate_limited", message, true, { status: 429 });
  }
}

/** The token or signing secret is wrong: nothing will work until an admin fixes it. */
export class AuthenticationError extends AdapterError {
  override name = "AuthenticationError";
  constructor(platform: Platform, message: string, status?: number) {
    super(platform, "auth", message, false, { status });
  }
}

/** The bot may not post there (missing permission, kicked from the chat). */
export class PermissionError extends AdapterError {
  override name = "PermissionError";
  constructor(platform: Platform, message: string, status?: number) {
    super(platform, "permission", message, false, { status });
  }
}

/** The channel, chat or webhook no longer exists. */
export class NotFoundError extends AdapterError {
  override name = "NotFoundError";
  constructor(platform: Platform, message: string, status?: number) {
    super(platform, "not_found", message, false, { status });
  }
}

/** The platform rejected the request body: retrying the same body cannot help. */
export class ValidationError extends AdapterError {
  override name = "ValidationError";
  constructor(platform: Platform, message: string, status?: number) {
    super(platform, "validation", message, false, { status });
  }
}

/** Connection failures, timeouts and 5xx answers: worth another try. */
export class NetworkError extends AdapterError {
  override name = "NetworkError";
  constructor(platform: Platform, message: string, options?: { cause?: unknown; status?: number }) {
    super(platform, options?.status && options.status >= 500 ? "server" : "network", message, true, options);
  }
}

/** Maps an HTTP status (and the platform's own words for it) onto the family. */
export function errorFromStatus(platform: Platform, status: number, detail: string, retryAfterMs?: number): AdapterError {
  if (status === 429) return new RateLimitError(platform, retryAfterMs ?? 1000, `rate limited (${detail})`);
  if (status === 401) return new AuthenticationError(platform, `unauthorised (${detail})`, status);
  if (status === 403) return new PermissionError(platform, `forbidden (${detail})`, status);
  if (status === 404 || status === 410) return new NotFoundError(platform, `not found (${detail})`, status);
  if (status >= 500) return new NetworkError(platform, `server error ${status} (${detail})`, { status });
  return new ValidationError(platform, `rejected with ${status} (${detail})`, status);
}

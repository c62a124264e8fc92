/** How the Web API client retries 429s, 5xx answers and connection failures. */
export interface SlackRetryOptions {
  /** Attempts after the first; finite so a dead API cannot hold a delivery forever. Default 5. */
  retries?: number;
  /** Backoff between attempts (on top of Retry-After for 429s). Defaults 1 s and 30 s. */
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
}

import { Agent, type Dispatcher, request } from "undici";
import { errorFromStatus, looksTimedOut, NetworkError, type Platform } from "../../src/errors.ts";
import { redactSecrets } from "../../src/net/redact.ts";

/** One keep-alive pool for all webhook traffic: fan-out to thousands of URLs reuses connections. */
const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 10_000 });

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Strips the secret parts of a webhook URL (the token path segment, the query) for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const parts = u.pathname.split("/");
    const webhooks = parts.indexOf("webhooks");
    if (webhooks >= 0 && parts.length > webhooks + 2) parts[webhooks + 2] = "***";
    else if (u.pathname.startsWith("/services/")) return `${u.origin}/services/***`;
    return `${u.origin}${parts.join("/")}`;
  } catch {
    return "(invalid url)";
  }
}

/** POSTs and reads the whole answer; network failures become {@link NetworkError} without the secret URL. */
export async function postTo(
  platform: Platform,
  url: string,
  body: Dispatcher.DispatchOptions["body"],
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
  method: "POST" | "PATCH" | "DELETE" = "POST",
): Promise<HttpAnswer> {
  try {
    const answer = await request(url, {
      method,
      body: body ?? null,
      headers,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(signal ? { signal } : {}),
    });
    return { status: answer.statusCode, headers: answer.headers, text: await answer.body.text() };
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new NetworkError(platform, `request to ${redactUrl(url)} failed: ${reason}`, {
      method,
      path: redactedPath(url),
      timedOut: looksTimedOut(error),
      cause: scrub(error, url),
    });
  }
}

/** Retry-After (seconds) or a JSON retry_after (seconds, may be fractional) → milliseconds. */
export function retryAfterMs(answer: HttpAnswer, bodyRetryAfter?: unknown): number {
  const fromBody = typeof bodyRetryAfter === "number" ? bodyRetryAfter : Number.NaN;
  const header = answer.headers["retry-after"];
  const fromHeader = Number(Array.isArray(header) ? header[0] : header);
  const seconds = Number.isFinite(fromBody) ? fromBody : Number.isFinite(fromHeader) ? fromHeader : 1;
  return Math.max(0, Math.ceil(seconds * 1000));
}

/** What an endpoint's answer said besides its status: its own error code, its retry_after (seconds). */
export interface Said {
  platformCode?: number | string | undefined;
  retryAfter?: unknown;
}

/**
 * The error for a webhook's non-2xx answer. `url` is the webhook as configured (named in the message);
 * `request` the call made, whose path may go further (`…/messages/{id}`).
 */
export function failure(
  platform: Platform,
  url: string,
  answer: HttpAnswer,
  detail: string,
  request: { method: string; url?: string },
  said: Said = {},
) {
  const wait = answer.status === 429 ? retryAfterMs(answer, said.retryAfter) : undefined;
  const details = {
    method: request.method,
    path: redactedPath(request.url ?? url),
    platformCode: said.platformCode,
    retryAfterMs: wait,
  };
  // `detail` is the endpoint's own words, which may quote the request path and its token.
  return errorFromStatus(platform, answer.status, `${redactSecrets(detail)} from ${redactUrl(url)}`, details);
}

/** The path of a webhook URL with its token masked: `/api/webhooks/123/***`. */
export function redactedPath(url: string): string {
  const redacted = redactUrl(url);
  return redacted.startsWith("http") ? new URL(redacted).pathname : redacted;
}

/** Errors from the HTTP client quote the URL; the copy kept as `cause` must not carry the token. */
function scrub(error: unknown, url: string): unknown {
  if (!(error instanceof Error)) return error;
  const safe = new Error(error.message.split(url).join(redactUrl(url)));
  safe.name = error.name;
  return safe;
}

import { Agent, fetch } from "undici";
import { redactUrl } from "./redact.ts";
import { assertPublicAddress, assertPublicHttpUrl, createGuardedLookup, UnsafeUrlError } from "./ssrf.ts";

/** What one conditional GET of a feed gave. */
export interface FetchResult {
  /** 200 with the body, or 304 (unchanged since the given ETag/Last-Modified) with body null. */
  status: 200 | 304;
  /** The decoded (gunzipped etc.) body bytes; null on 304. */
  body: Uint8Array | null;
  /** Validators to send next time; on 304 the ones given are carried over when the server repeats none. */
  etag: string | null;
  lastModified: string | null;
  contentType: string | null;
  /** The URL after redirects (credentials never present). */
  finalUrl: string;
}

/**
 * A feed fetch that failed. `retryable` says whether trying again later can
 * help (5xx, 429, 408, timeouts, network errors) or not (other 4xx,
 * oversized bodies, redirect loops). The message names the URL without
 * credentials.
 */
export class FetchError extends Error {
  override readonly name = "FetchError";
  readonly url: string;
  readonly status?: number;
  readonly retryable: boolean;
  /** Seconds the server asked to wait (429/503 Retry-After), when it said. */
  readonly retryAfter?: number;
  constructor(
    url: string,
    reason: string,
    details: { status?: number; retryable: boolean; retryAfter?: number; cause?: unknown },
  ) {
    super(`${redactUrl(url)}: ${reason}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = redactUrl(url);
    this.retryable = details.retryable;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
  }
}

export interface FetchFeedOptions {
  /** Validators from the previous fetch, sent as If-None-Match / If-Modified-Since. */
  etag?: string | null;
  lastModified?: string | null;
  /** Total time for all redirects, headers and body. Default 10 s. */
  timeoutMs?: number;
  /** Largest decoded body accepted. Default 5 MiB. */
  maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Let loopback/private/CGNAT addresses through (self-hosted feeds, tests). Default false. */
  allowPrivate?: boolean;
  userAgent?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_USER_AGENT = "Herald/0.1 (news feed reader)";
const ACCEPT =
  "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Conditional GET of a feed, safe to point at any user-supplied URL:
 * every hop (the URL and each redirect) must be http(s) without credentials
 * and resolve only to public addresses, and the same check runs again on
 * the addresses the connection actually uses. Redirects are followed by
 * hand up to `maxRedirects`; the whole fetch is bounded by `timeoutMs`; the
 * body is decompressed and cut off past `maxBytes`.
 *
 * @throws {UnsafeUrlError} for a URL or redirect target that is not allowed (never connected to).
 * @throws {FetchError} for HTTP and network failures, with `retryable` set.
 *
 * @example
 * const r = await fetchFeed(url, { etag: saved.etag, lastModified: saved.lastModified });
 * if (r.status === 304) return; // unchanged
 * const feed = parseFeed(r.body!, { source: r.finalUrl, contentType: r.contentType });
 */
export async function fetchFeed(url: string, opts: FetchFeedOptions = {}): Promise<FetchResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const allowPrivate = opts.allowPrivate ?? false;
  const agent = new Agent({ connect: { lookup: createGuardedLookup({ allowPrivate }) } });
  const signal = AbortSignal.timeout(timeoutMs);
  const headers: Record<string, string> = { "user-agent": opts.userAgent ?? DEFAULT_USER_AGENT, accept: ACCEPT };
  if (opts.etag) headers["if-none-match"] = opts.etag;
  if (opts.lastModified) headers["if-modified-since"] = opts.lastModified;

  let current = assertPublicHttpUrl(url);
  // Refusals quote the URL as written ("http://2130706433/"), not as normalised.
  let asWritten = url;
  try {
    for (let hop = 0; ; hop++) {
      await checkHost(current, asWritten, allowPrivate);
      const response = await send(current, headers, agent, signal, timeoutMs);
      const location = response.headers.get("location");
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        if (!location)
          throw new FetchError(current.href, `HTTP ${response.status} redirect without a Location header`, {
            status: response.status,
            retryable: false,
          });
        if (hop >= maxRedirects) {
          throw new FetchError(url, `too many redirects (more than ${maxRedirects})`, {
            status: response.status,
            retryable: false,
          });
        }
        asWritten = new URL(location, current).href;
        current = assertPublicHttpUrl(asWritten);
        continue;
      }
      return await finish(response, current, opts, maxBytes, timeoutMs, signal);
    }
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}

async function checkHost(url: URL, asWritten: string, allowPrivate: boolean): Promise<void> {
  try {
    await assertPublicAddress(url.hostname, { allowPrivate });
  } catch (error) {
    if (error instanceof UnsafeUrlError) throw new UnsafeUrlError(asWritten, error.reason);
    throw new FetchError(
      url.href,
      `cannot resolve ${url.hostname} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      {
        retryable: true,
        cause: error,
      },
    );
  }
}

async function send(url: URL, headers: Record<string, string>, agent: Agent, signal: AbortSignal, timeoutMs: number) {
  try {
    return await fetch(url, { headers, redirect: "manual", dispatcher: agent, signal });
  } catch (error) {
    throw networkError(url.href, error, signal, timeoutMs);
  }
}

async function finish(
  response: Awaited<ReturnType<typeof fetch>>,
  url: URL,
  opts: FetchFeedOptions,
  maxBytes: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<FetchResult> {
  const common = {
    etag: response.headers.get("etag") ?? (response.status === 304 ? (opts.etag ?? null) : null),
    lastModified:
      response.headers.get("last-modified") ?? (response.status === 304 ? (opts.lastModified ?? null) : null),
    contentType: response.headers.get("content-type"),
    finalUrl: url.href,
  };
  if (response.status === 304) {
    await response.body?.cancel().catch(() => undefined);
    return { status: 304, body: null, ...common };
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel().catch(() => undefined);
    throw statusError(url.href, response.status, response.headers.get("retry-after"));
  }
  const declared = Number(response.headers.get("content-length"));
  // Content-Length counts the compressed bytes; only an uncompressed body can be refused on it alone.
  if (!response.headers.get("content-encoding") && Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new FetchError(url.href, `feed larger than ${formatBytes(maxBytes)} (Content-Length ${declared})`, {
      retryable: false,
    });
  }
  const body = await readCapped(response, url.href, maxBytes, signal, timeoutMs);
  return { status: 200, body, ...common };
}

/** Reads the (decompressed) body, cancelling the stream as soon as it passes `maxBytes`. */
async function readCapped(
  response: Awaited<ReturnType<typeof fetch>>,
  url: string,
  maxBytes: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new FetchError(url, `feed larger than ${formatBytes(maxBytes)}`, { retryable: false });
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw networkError(url, error, signal, timeoutMs);
  }
  return Buffer.concat(chunks, size);
}

function statusError(url: string, status: number, retryAfterHeader: string | null): FetchError {
  const retryAfter = parseRetryAfter(retryAfterHeader);
  const retryable = status >= 500 || status === 429 || status === 408;
  const hint =
    status === 429 ? " (rate limited)" : status === 404 || status === 410 ? " (the feed is gone; check its URL)" : "";
  return new FetchError(url, `HTTP ${status}${hint}`, {
    status,
    retryable,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}

function networkError(url: string, error: unknown, signal: AbortSignal, timeoutMs: number): Error {
  // The guarded lookup refuses at connect time; undici wraps that in "fetch failed".
  const unsafe = findCause(error, (e): e is UnsafeUrlError => e instanceof UnsafeUrlError);
  if (unsafe) return new UnsafeUrlError(url, unsafe.reason);
  if (signal.aborted) {
    return new FetchError(url, `timed out after ${timeoutMs / 1000} s`, { retryable: true, cause: error });
  }
  const code = findCause(
    error,
    (e): e is NodeJS.ErrnoException => typeof (e as NodeJS.ErrnoException).code === "string",
  );
  const detail = code?.code ?? (error as Error).message;
  return new FetchError(url, `network error (${detail})`, { retryable: true, cause: error });
}

function findCause<T extends Error>(error: unknown, match: (e: Error) => e is T): T | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (match(current)) return current;
    current = current.cause;
  }
  return null;
}

/** Retry-After as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

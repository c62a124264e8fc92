/**
 * Discord's rate limits as the docs ("Rate Limits") describe them: per-route buckets
 * counted separately for each top-level resource (channel id, webhook id+token), a
 * global per-second limit, and the `X-RateLimit-*` headers on every answer so a client
 * can pace itself. Windows are fixed: the first request opens one that lasts
 * `bucketResetMs`, like Discord's "5 messages per 5 s".
 */
import { createHash } from "node:crypto";

export interface RateLimitConfig {
  /** When false, buckets are so large no client ever waits, but headers are still sent. */
  enforce: boolean;
  bucketLimit: number;
  bucketResetMs: number;
  globalPerSecond: number;
}

/** Which bucket a request counts against. */
export interface BucketRef {
  /** Method and route template, e.g. `POST /channels/:id/messages`. */
  route: string;
  /** The top-level resource: channel id, `webhookId/token`, or `global`. */
  major: string;
  /** Interaction callbacks are not bound to the global limit. */
  globalExempt?: boolean;
}

/** The body of a Discord 429. */
export interface RateLimitedBody {
  message: string;
  retry_after: number;
  global: boolean;
}

export type RateLimitOutcome =
  | { limited: false; headers: Record<string, string> }
  | { limited: true; headers: Record<string, string>; body: RateLimitedBody };

/** Key of {@link RateLimiter.hits}: `"<route> <major>"`, e.g. `POST /channels/:id/messages 1234567890123456789`; global 429s count under `"global"`. */
export function rateLimitKey(route: string, major: string): string {
  return `${route} ${major}`;
}

/** Large enough that a test never reaches it when limits are not enforced. */
const UNENFORCED_LIMIT = 1_000_000;

interface Window {
  resetAt: number;
  used: number;
}

export class RateLimiter {
  /** How many 429s were answered per bucket (see {@link rateLimitKey}). */
  readonly hits = new Map<string, number>();
  private readonly windows = new Map<string, Window>();
  private globalWindow: Window = { resetAt: 0, used: 0 };

  constructor(private readonly config: RateLimitConfig) {}

  /** Counts one request; answers the headers to send, or the 429 to send instead of performing it. */
  take(bucket: BucketRef, now = Date.now()): RateLimitOutcome {
    if (!bucket.globalExempt) {
      if (now >= this.globalWindow.resetAt) this.globalWindow = { resetAt: now + 1000, used: 0 };
      if (this.config.enforce && this.globalWindow.used >= this.config.globalPerSecond) {
        return this.globalLimited((this.globalWindow.resetAt - now) / 1000);
      }
      this.globalWindow.used++;
    }
    const window = this.windowFor(bucket, now);
    const limit = this.limit();
    if (window.used >= limit) {
      return this.bucketLimited(bucket, window, now, (window.resetAt - now) / 1000);
    }
    window.used++;
    return { limited: false, headers: this.bucketHeaders(bucket, window, now) };
  }

  /** A 429 forced by the test (`failNext`), shaped like a real one; the bucket reports empty until `retryAfter` passes. */
  forced(bucket: BucketRef, retryAfterSeconds: number, global: boolean, now = Date.now()): RateLimitOutcome {
    if (global) return this.globalLimited(retryAfterSeconds);
    const window = this.windowFor(bucket, now);
    return this.bucketLimited(bucket, { ...window, resetAt: now + retryAfterSeconds * 1000 }, now, retryAfterSeconds);
  }

  private limit(): number {
    return this.config.enforce ? this.config.bucketLimit : UNENFORCED_LIMIT;
  }

  private windowFor(bucket: BucketRef, now: number): Window {
    const key = `${bucketHash(bucket.route)}:${bucket.major}`;
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      window = { resetAt: now + this.config.bucketResetMs, used: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  private bucketHeaders(bucket: BucketRef, window: Window, now: number): Record<string, string> {
    const limit = this.limit();
    return {
      "X-RateLimit-Limit": String(limit),
      "X-RateLimit-Remaining": String(Math.max(0, limit - window.used)),
      "X-RateLimit-Reset": (window.resetAt / 1000).toFixed(3),
      "X-RateLimit-Reset-After": ((window.resetAt - now) / 1000).toFixed(3),
      "X-RateLimit-Bucket": bucketHash(bucket.route),
    };
  }

  private bucketLimited(bucket: BucketRef, window: Window, now: number, retryAfter: number): RateLimitOutcome {
    this.count(rateLimitKey(bucket.route, bucket.major));
    return {
      limited: true,
      headers: {
        ...this.bucketHeaders(bucket, { ...window, used: this.limit() }, now),
        "Retry-After": retryAfterHeader(retryAfter),
        "X-RateLimit-Scope": "user",
      },
      body: { message: "You are being rate limited.", retry_after: round3(retryAfter), global: false },
    };
  }

  private globalLimited(retryAfter: number): RateLimitOutcome {
    this.count("global");
    return {
      limited: true,
      headers: {
        "Retry-After": retryAfterHeader(retryAfter),
        "X-RateLimit-Global": "true",
        "X-RateLimit-Scope": "global",
      },
      body: { message: "You are being rate limited.", retry_after: round3(retryAfter), global: true },
    };
  }

  private count(key: string): void {
    this.hits.set(key, (this.hits.get(key) ?? 0) + 1);
  }
}

/** A stable opaque id per route, like Discord's bucket hashes (which exclude the top-level resource). */
function bucketHash(route: string): string {
  return createHash("sha256").update(route).digest("hex").slice(0, 32);
}

/** Discord sends whole seconds, rounded up, in `Retry-After` (the body has the precise value). */
function retryAfterHeader(seconds: number): string {
  return String(Math.max(1, Math.ceil(seconds)));
}

function round3(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

import type { IncomingMessage } from "node:http";
import { HttpError } from "./body.ts";
import type { Route } from "./server.ts";

export interface GuardLimits {
  /** Requests whose body may be read at once before they are authenticated (signed bodies). */
  maxUnauthenticated: number;
  /** 401s one client IP may collect per minute before it is refused at once with 429. */
  authFailuresPerMinute: number;
  /** Most client IPs remembered at once; the oldest are forgotten first. */
  maxTrackedIps?: number;
  /** A body read in an unauthenticated slot that has not arrived whole by then is cut off (default 10 s). */
  unauthenticatedReadMs?: number;
  /** Told of every refused request (401/429/503) once answered, to give memory back after a flood. */
  reclaimer?: { note(): void };
  now?: () => number;
}

const MINUTE_MS = 60_000;
/** Seconds a 503 asks the caller to wait: slots free up as soon as the bodies in flight are read. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * The HTTP server's defences against unauthenticated floods: a cap on bodies
 * being read before their sender is known (each may hold up to its route's
 * byte limit in memory), and a per-IP budget of authentication failures.
 * Nothing is kept per connection; the per-IP table is bounded and forgets an
 * IP a minute after its window opened.
 */
export class HttpGuard {
  private unauthenticated = 0;
  /** IP → failures in the window that opened at `since`; insertion order is age order. */
  private readonly failures = new Map<string, { since: number; count: number }>();
  private readonly now: () => number;
  private readonly maxTrackedIps: number;

  constructor(private readonly limits: GuardLimits) {
    this.now = limits.now ?? Date.now;
    this.maxTrackedIps = limits.maxTrackedIps ?? 10_000;
  }

  /**
   * Wraps a route whose callers authenticate: an IP past its failure budget
   * gets 429 before anything is read, and every 401 the route answers counts.
   */
  authenticating(route: Route): Route {
    return async (req, res, params) => {
      const ip = clientIp(req);
      res.once("finish", () => {
        if (res.statusCode === 401) this.recordFailure(ip);
        if (res.statusCode === 401 || res.statusCode === 429 || res.statusCode === 503) this.limits.reclaimer?.note();
      });
      this.refuseIfOverBudget(ip);
      await route(req, res, params);
    };
  }

  /** Wraps a route that must read each body before it can check the signature on it. */
  signedBody(route: Route): Route {
    return this.authenticating(async (req, res, params) => {
      const release = this.holdUnauthenticatedSlot(req);
      try {
        await route(req, res, params);
      } finally {
        release();
      }
    });
  }

  /**
   * Takes one of the unauthenticated-read slots for `req` (503 with
   * Retry-After when none is free); call the result to give it back. A body
   * still incomplete after `unauthenticatedReadMs` has its connection cut, so
   * slow senders cannot sit on the slots.
   */
  holdUnauthenticatedSlot(req: IncomingMessage): () => void {
    if (this.unauthenticated >= this.limits.maxUnauthenticated) {
      throw new HttpError(503, "too many unauthenticated requests in progress; retry shortly", {
        "retry-after": String(BUSY_RETRY_AFTER_SECONDS),
      });
    }
    this.unauthenticated++;
    const timer = setTimeout(() => {
      if (!req.complete) req.socket.destroy();
    }, this.limits.unauthenticatedReadMs ?? 10_000);
    timer.unref();
    let released = false;
    return () => {
      if (!released) this.unauthenticated--;
      released = true;
      clearTimeout(timer);
    };
  }

  /** Unauthenticated reads in progress (for tests and status). */
  get unauthenticatedInFlight(): number {
    return this.unauthenticated;
  }

  private refuseIfOverBudget(ip: string): void {
    const entry = this.current(ip);
    if (entry && entry.count >= this.limits.authFailuresPerMinute) {
      const waitSeconds = Math.max(1, Math.ceil((entry.since + MINUTE_MS - this.now()) / 1000));
      throw new HttpError(429, `too many failed authentications from this address; retry in ${waitSeconds} s`, {
        "retry-after": String(waitSeconds),
      });
    }
  }

  private recordFailure(ip: string): void {
    const entry = this.current(ip);
    if (entry) {
      entry.count++;
      return;
    }
    this.forgetExpired();
    if (this.failures.size >= this.maxTrackedIps) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(ip, { since: this.now(), count: 1 });
  }

  /** The IP's window if it is still open. */
  private current(ip: string): { since: number; count: number } | undefined {
    const entry = this.failures.get(ip);
    if (entry && this.now() - entry.since >= MINUTE_MS) {
      this.failures.delete(ip);
      return undefined;
    }
    return entry;
  }

  private forgetExpired(): void {
    const cutoff = this.now() - MINUTE_MS;
    for (const [ip, entry] of this.failures) {
      if (entry.since > cutoff) break;
      this.failures.delete(ip);
    }
  }
}

/** The peer address. Forwarded-for headers are not trusted: any client can write them. */
function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

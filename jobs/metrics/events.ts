import { AdapterError, type Platform } from "../../src/errors.ts";
import type { StoredArticle } from "../../src/store/index.ts";

/** What a delivery attempt came to, as counted: one send, or one job given up on. */
export type DeliveryOutcome = "delivered" | "failed" | "retried" | "rate_limited";

/** Why a send failed, as a bounded label set: never the platform's own words. */
export type FailureReason =
  | "permission"
  | "not_found"
  | "auth"
  | "rate_limit"
  | "invalid"
  | "timeout"
  | "server"
  | "other";

export type FeedPollOutcome = "200" | "304" | "error";

/**
 * What the pipeline tells the metrics as things happen. The job code knows
 * only this interface (jobs/metrics/registry.ts turns it into Prometheus
 * series), so counting stays one line where the event is.
 */
export interface PipelineMetrics {
  delivery(outcome: DeliveryOutcome, target: { platform: Platform; destinationId: string }): void;
  /** One failed send attempt (retried or not). */
  deliveryFailure(platform: Platform, reason: FailureReason): void;
  /**
   * A message the platform acknowledged: `publishedAt` is the article's date (or its ingest time when it
   * has none or one in the future), `ingestedAt` when this version was stored. Null skips that latency.
   */
  delivered(
    platform: Platform,
    times: { publishedAt: number | null; ingestedAt: number; acknowledgedAt: number },
  ): void;
  feedPoll(outcome: FeedPollOutcome): void;
  cardRendered(seconds: number, ok: boolean): void;
  cardCacheHit(): void;
}

/** Maps the adapter error family onto {@link FailureReason}; anything outside it (store, lock, bug) is "other". */
export function failureReason(error: unknown): FailureReason {
  if (!(error instanceof AdapterError)) return "other";
  switch (error.code) {
    case "rate_limited":
      return "rate_limit";
    case "validation":
      return "invalid";
    case "permission":
    case "not_found":
    case "auth":
    case "server":
      return error.code;
    case "network":
      // Connection refused/reset is not a timeout; only the ones that waited out the clock are.
      return error.timedOut ? "timeout" : "other";
  }
}

/**
 * The times a delivery's latencies are measured between. Publish latency is for first versions
 * only: a correction's article date is the original's, hours before the correction existed.
 */
export function deliveryTimes(
  stored: StoredArticle,
  acknowledgedAt: number,
): Parameters<PipelineMetrics["delivered"]>[1] {
  const ingestedAt = Date.parse(stored.createdAt);
  const dated = stored.article.date ? Date.parse(stored.article.date) : Number.NaN;
  // An undated article, or one dated ahead of when it arrived (a clock or typo), is measured from its arrival.
  const publishedAt = Number.isFinite(dated) && dated <= ingestedAt ? dated : ingestedAt;
  return { publishedAt: stored.version === 1 ? publishedAt : null, ingestedAt, acknowledgedAt };
}

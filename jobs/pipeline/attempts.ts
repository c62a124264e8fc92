import { AdapterError, RateLimitError } from "../../src/errors.ts";
import type { DeliveryAttemptInput } from "../../src/store/index.ts";
import type { DeliverJobData } from "../queues.ts";
import type { PipelineContext } from "./context.ts";

type Key = Pick<DeliverJobData, "articleId" | "version" | "destinationId">;
type Answer = Omit<DeliveryAttemptInput, "articleId" | "version" | "destinationId">;

/**
 * What a failed send tells the operator: the platform's status, Herald's error code and the wait it
 * asked for, as the adapter mapped them. `final` is true when no retry follows (the error cannot
 * succeed later, or it was the job's last attempt).
 */
export function failedAttempt(error: unknown, final: boolean): Answer {
  const reason = error instanceof Error ? error.message : String(error);
  const outcome = error instanceof RateLimitError ? "rate_limited" : final ? "failed" : "retrying";
  if (!(error instanceof AdapterError)) return { outcome, error: reason };
  return {
    outcome,
    error: reason,
    code: error.code,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error instanceof RateLimitError ? { retryAfterMs: error.retryAfterMs } : {}),
  };
}

/**
 * Keeps one send's outcome for `herald trace`. The history explains a delivery; it never decides one:
 * a store that cannot record it is logged and the delivery goes on as if it had.
 */
export async function noteAttempt(
  ctx: PipelineContext,
  log: PipelineContext["log"],
  key: Key,
  answer: Answer,
): Promise<void> {
  const { articleId, version, destinationId } = key;
  try {
    await ctx.store.recordAttempt({ articleId, version, destinationId, ...answer });
  } catch (error) {
    log.warn(
      { err: error instanceof Error ? error.message : String(error), outcome: answer.outcome },
      "cannot record the delivery attempt for herald trace",
    );
  }
}

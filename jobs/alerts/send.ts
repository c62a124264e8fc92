import { type Job, UnrecoverableError } from "bullmq";
import { configuredDestination } from "../../config/lookup.ts";
import type { HeraldConfig } from "../../config/schema.ts";
import type { Poster } from "../../src/adapter.ts";
import { buildAlertMessage } from "../../src/alerts/message.ts";
import type { AlertNotice } from "../../src/alerts/subject.ts";
import { AdapterError } from "../../src/errors.ts";
import type { Log } from "../../src/log.ts";

/** The alert channel's language: its destination's own `locale`, else `alerts.locale`. */
export function alertLocale(config: HeraldConfig): string {
  const destination = configuredDestination(config, config.alerts?.destination);
  return destination?.locale ?? config.alerts?.locale ?? "en";
}

/**
 * Posts one alert to `alerts.destination` through that destination's own poster (its
 * formatter, pacing and error mapping). A failure throws and BullMQ retries with backoff;
 * the alert destination is never flagged from here, so a broken alert channel cannot
 * raise alerts about itself in a loop.
 */
export async function processAlert(
  job: Job<AlertNotice>,
  config: HeraldConfig,
  poster: (destinationId: string) => Promise<Poster>,
  log: Log,
): Promise<{ messageId: string | null } | { skipped: string }> {
  const alerts = config.alerts;
  if (!alerts) return { skipped: "alerts are not configured" };
  const message = buildAlertMessage(job.data, alertLocale(config));
  const target = await poster(alerts.destination);
  let posted: Awaited<ReturnType<Poster["post"]>>;
  try {
    posted = await target.post(message, null, { idempotencyKey: job.id ?? message.articleId });
  } catch (error) {
    // No permission, a revoked webhook: trying again cannot help, and the job's failure in the dashboard says why.
    if (error instanceof AdapterError && !error.retryable)
      throw new UnrecoverableError(`alert destination ${alerts.destination}: ${error.message}`);
    throw error;
  }
  log.info({ jobId: job.id, destinationId: alerts.destination, messageId: posted.id }, "health alert posted");
  return { messageId: posted.id };
}

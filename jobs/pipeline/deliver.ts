import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import type { CardFile, Poster } from "../../src/adapter.ts";
import { cardDataFromArticle, cardKey } from "../../src/card/index.ts";
import { pngSize } from "../../src/card/png.ts";
import { AdapterError, NotFoundError, RateLimitError } from "../../src/errors.ts";
import { buildMessage } from "../../src/message/build.ts";
import type { CardRef } from "../../src/message/types.ts";
import type { DeliverJobData } from "../queues.ts";
import type { PipelineContext } from "./context.ts";
import { reserveSlots, spaceSends } from "./pacing.ts";

export const CARD_FILENAME = "timeline.png";

export type DeliverOutcome = { status: "delivered"; messageId: string | null } | { status: "skipped"; reason: string };

/**
 * One article version to one destination. A rate limit puts the job back
 * for as long as the platform asked without spending an attempt; a failure
 * that cannot succeed later (bad token, no permission, rejected body) ends
 * the job at once; anything else is retried by BullMQ with backoff.
 */
export async function processDelivery(job: Job<DeliverJobData>, token: string | undefined, ctx: PipelineContext): Promise<DeliverOutcome> {
  const { articleId, version, destinationId } = job.data;
  const log = ctx.log.child({ articleId, version, destinationId, jobId: job.id });
  const delivery = ctx.store.getDelivery(articleId, version, destinationId);
  if (delivery?.state === "delivered") return { status: "skipped", reason: "already delivered" };
  if (delivery?.permanentFailure) return { status: "skipped", reason: "failed permanently before" };

  const stored = ctx.store.getArticleVersion(articleId, version);
  if (!stored) throw new UnrecoverableError(`article ${articleId} v${version} is not stored`);
  const { card, ref } = loadCard(stored.article, ctx);
  const message = buildMessage(stored.article, { card: ref });
  const poster = ctx.poster(destinationId);
  if (token && (await waitForSendSlot(job, token, poster.paces, ctx))) throw new DelayedError();
  if (poster.paces?.length) await spaceSends(poster.paces);

  ctx.store.markSending(articleId, version, destinationId);
  ctx.store.incrementAttempts(articleId, version, destinationId);
  try {
    const earlier = editableEarlierMessage(job.data, poster, ctx);
    if (earlier && poster.edit) {
      // A corrected article updates the message members already saw instead of posting it twice.
      try {
        await poster.edit(earlier, message, card);
        ctx.store.markDelivered(articleId, version, destinationId, earlier);
        log.info({ messageId: earlier }, "delivered as an edit of the earlier version");
        return { status: "delivered", messageId: earlier };
      } catch (error) {
        // Someone deleted the earlier message: post the new version instead (a gone channel fails the post too).
        if (!(error instanceof NotFoundError)) throw error;
        log.info({ messageId: earlier }, "earlier message is gone; posting the new version");
      }
    }
    const posted = await poster.post(message, card, { idempotencyKey: `${articleId}.v${version}.${destinationId}` });
    ctx.store.markDelivered(articleId, version, destinationId, posted.id);
    log.info({ messageId: posted.id }, "delivered");
    return { status: "delivered", messageId: posted.id };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // The next attempt reserves a fresh slot.
    if (job.data.slotAt !== undefined) await job.updateData({ articleId, version, destinationId });
    if (error instanceof RateLimitError && token) {
      ctx.store.markFailed(articleId, version, destinationId, reason, false);
      log.warn({ retryAfterMs: error.retryAfterMs }, "rate limited; waiting as asked");
      await job.moveToDelayed(Date.now() + error.retryAfterMs, token);
      throw new DelayedError();
    }
    const permanent = error instanceof AdapterError && !error.retryable;
    ctx.store.markFailed(articleId, version, destinationId, reason, permanent);
    if (permanent) {
      if (error.code === "permission" || error.code === "not_found" || error.code === "auth") ctx.store.flagDestination(destinationId, reason);
      log.error({ err: reason }, "delivery failed permanently");
      throw new UnrecoverableError(reason);
    }
    log.warn({ err: reason, attempt: job.attemptsMade + 1 }, "delivery failed; will retry");
    throw error;
  }
}

/** The message an earlier version of this article left at this destination, when it should be edited rather than posted anew. */
function editableEarlierMessage(data: DeliverJobData, poster: Poster, ctx: PipelineContext): string | null {
  if (data.version <= 1 || !poster.edit || ctx.config.delivery.updates !== "edit") return null;
  const earlier = ctx.store.latestDelivered(data.articleId, data.destinationId);
  return earlier && earlier.version < data.version ? earlier.platformMessageId : null;
}

/** Waits below this inside the job; longer waits put the job back in the delayed set (freeing the worker). */
const INLINE_WAIT_MS = 100;
/** A job that comes back this late has lost its slot (others were spaced after it); it takes a new one. */
const LATE_MS = 500;

/**
 * Spaces sends to one target by the platform's limits. A job reserves its
 * slot once and keeps it in its data, so coming back from the delayed set it
 * does not queue up again behind jobs that reserved after it — unless it came
 * back so late (busy workers) that sending now would crowd the slots after it.
 * Returns true when the job was moved to the delayed set.
 */
async function waitForSendSlot(job: Job<DeliverJobData>, token: string, paces: Poster["paces"], ctx: PipelineContext): Promise<boolean> {
  if (!paces?.length) return false;
  let slotAt = job.data.slotAt;
  if (slotAt === undefined || Date.now() - slotAt > LATE_MS) {
    slotAt = Math.ceil(Date.now() + (await reserveSlots(ctx.redis, ctx.config.redis.prefix, paces)));
    await job.updateData({ ...job.data, slotAt });
  }
  const wait = slotAt - Date.now();
  if (wait <= 0) return false;
  if (wait <= INLINE_WAIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    return false;
  }
  await job.moveToDelayed(slotAt, token);
  return true;
}

/** Marks a delivery failed for good once BullMQ has spent every attempt. */
export function recordExhausted(job: Job<DeliverJobData> | undefined, error: Error, ctx: PipelineContext): void {
  if (!job || error instanceof DelayedError) return;
  const attempts = job.opts.attempts ?? 1;
  if (job.attemptsMade < attempts && !(error instanceof UnrecoverableError)) return;
  const { articleId, version, destinationId } = job.data;
  ctx.store.markFailed(articleId, version, destinationId, error.message, true);
}

function loadCard(article: Parameters<typeof cardDataFromArticle>[0], ctx: PipelineContext): { card: CardFile | null; ref: CardRef | null } {
  const data = cardDataFromArticle(article);
  if (!data) return { card: null, ref: null };
  const key = cardKey(data);
  const png = ctx.store.getCard(key);
  if (!png) return { card: null, ref: null };
  const { width, height } = pngSize(png);
  const base = ctx.config.cards.publicBaseUrl;
  const url = base ? new URL(`cards/${key}.png`, base.endsWith("/") ? base : `${base}/`).href : null;
  return { card: { filename: CARD_FILENAME, png }, ref: { filename: CARD_FILENAME, url, width, height } };
}

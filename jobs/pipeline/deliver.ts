import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import type { CardFile, Poster } from "../../src/adapter.ts";
import { cardDataFromArticle, cardKey } from "../../src/card/index.ts";
import { pngSize } from "../../src/card/png.ts";
import { AdapterError, RateLimitError } from "../../src/errors.ts";
import { buildMessage } from "../../src/message/build.ts";
import type { CardRef } from "../../src/message/types.ts";
import type { Delivery } from "../../src/store/index.ts";
import { deliveryTimes, failureReason } from "../metrics/events.ts";
import type { DeliverJobData } from "../queues.ts";
import { failedAttempt, noteAttempt } from "./attempts.ts";
import type { PipelineContext } from "./context.ts";
import { storedCard, storedVersion } from "./immutable-reads.ts";
import type { LockCheck } from "./lock-check.ts";
import { reserveSlots, spaceSends } from "./pacing.ts";
import { applyVersion, chooseVersion, NothingToRetract, replyWithUpdate, type Sent } from "./story.ts";
import { notePendingApply, pendingApplyAt, takeStoryLock } from "./story-lock.ts";
import { storyPolicyOf } from "./story-policy.ts";

export const CARD_FILENAME = "timeline.png";

export type DeliverOutcome = { status: "delivered"; messageId: string | null } | { status: "skipped"; reason: string };

/**
 * One article version to one destination. A developing story is applied one
 * job at a time per article × destination (a lock in Redis), always as its
 * newest fanned-out version: a job whose version a newer one already replaced
 * there ends as superseded (jobs/pipeline/story.ts). A rate limit puts the job back
 * for as long as the platform asked without spending an attempt; a failure
 * that cannot succeed later (bad token, no permission, rejected body) ends
 * the job at once; anything else is retried by BullMQ with backoff.
 */
export async function processDelivery(
  job: Job<DeliverJobData>,
  token: string | undefined,
  ctx: PipelineContext,
  holdsLock: LockCheck,
): Promise<DeliverOutcome> {
  const { articleId, version, destinationId } = job.data;
  const log = ctx.log.child({ articleId, version, destinationId, jobId: job.id });
  const delivery = await ctx.store.getDelivery(articleId, version, destinationId);
  if (delivery?.state === "delivered") return { status: "skipped", reason: "already delivered" };
  if (delivery?.permanentFailure) {
    // BullMQ never runs a job it gave up on again by itself: one marked givenUp running is an admin's
    // retry from the dashboard, which reopens the delivery for one more send. Any other job (a re-ingest
    // after the failed job was removed) leaves a permanent failure alone.
    if (!job.data.givenUp || !(await ctx.store.reopenFailedDelivery(articleId, version, destinationId)))
      return { status: "skipped", reason: "failed permanently before" };
    log.info("an admin retried a delivery that had failed for good; sending it again");
  }
  if (job.data.sent) return finishSent(job, job.data.sent, ctx, log);

  const poster = await ctx.poster(destinationId);
  if (token && poster.paces?.length) {
    // Checked before taking a send slot: a version already overtaken here costs no slot of the chat's budget.
    const early = await chooseVersion(job.data, ctx);
    if ("covered" in early) return superseded(job.data, early.covered, ctx, log);
    if (await followPendingApply(job, token, ctx)) throw new DelayedError();
    if (await waitForSendSlot(job, token, poster.paces, ctx)) throw new DelayedError();
  }
  if (poster.paces?.length) await spaceSends(poster.paces);
  // The common case, a first version (a fan-out): no lock, unless a newer version turns up once it is marked sending.
  const first =
    version === 1 ? await deliverVersion(job, token, 1, poster, ctx, log, holdsLock, { onlyIfNewest: true }) : null;
  if (first) return first;
  const release = await takeStoryLock(ctx.redis, ctx.config.redis.prefix, articleId, destinationId, lockTtl(ctx));
  if (!release) {
    // Another job is applying this story here; this one looks again once that is done.
    if (!token) throw new Error("another job is applying this article at this destination; try again");
    if (job.data.slotAt !== undefined) await job.updateData({ articleId, version, destinationId });
    await job.moveToDelayed(Date.now() + STORY_BUSY_RETRY_MS, token);
    throw new DelayedError();
  }
  try {
    // Under the lock, what is newest now: the job that held it before may have applied this very version.
    const choice = await chooseVersion(job.data, ctx);
    if ("covered" in choice) return await superseded(job.data, choice.covered, ctx, log);
    if (choice.apply > 1 && (await firstPostInFlight(job.data, choice.apply, ctx))) {
      // A first version's job is posting without the lock right now: this one edits after it rather than posting too.
      if (!token) throw new Error("the article's first post to this destination is being sent; try again");
      await job.moveToDelayed(Date.now() + STORY_BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    return (await deliverVersion(job, token, choice.apply, poster, ctx, log, holdsLock)) as DeliverOutcome;
  } finally {
    await release();
  }
}

/** How long after another job's slot a job that followed it looks again (that job has sent, or failed, by then). */
const FOLLOW_MS = 1000;

/**
 * A job of this story at this destination already holds a slot to come: this one waits until just after
 * it instead of taking another slot (that job applies the newest version, this one's included), and is
 * then found superseded. Returns true when the job was moved to the delayed set.
 */
async function followPendingApply(job: Job<DeliverJobData>, token: string, ctx: PipelineContext): Promise<boolean> {
  if (job.data.slotAt !== undefined) return false;
  const at = await pendingApplyAt(ctx.redis, ctx.config.redis.prefix, job.data.articleId, job.data.destinationId);
  if (at === null) return false;
  await job.moveToDelayed(at + FOLLOW_MS, token);
  return true;
}

/** How long a job waits for another job of the same story at the same destination before looking again. */
const STORY_BUSY_RETRY_MS = 500;
const lockTtl = (ctx: PipelineContext) => ctx.config.delivery.lockDuration + ctx.config.delivery.timeout * 2;

/** A version a newer one already replaced here: recorded as delivered in that message, nothing sent. */
async function superseded(
  data: DeliverJobData,
  by: Delivery,
  ctx: PipelineContext,
  log: PipelineContext["log"],
): Promise<DeliverOutcome> {
  await ctx.store.markDelivered(data.articleId, data.version, data.destinationId, by.platformMessageId);
  log.info({ by: by.version, messageId: by.platformMessageId }, "superseded: a newer version is already applied here");
  return { status: "skipped", reason: `superseded by v${by.version}` };
}

/**
 * Nothing of the article is delivered here yet while an earlier version's delivery is being sent:
 * a first version's job, which posts without the lock (see processDelivery).
 */
async function firstPostInFlight(data: DeliverJobData, applied: number, ctx: PipelineContext): Promise<boolean> {
  if (await ctx.store.latestDelivered(data.articleId, data.destinationId)) return false;
  // This destination's rows of the earlier versions only (a handful), not the article's every delivery:
  // listing those made each job of a fan-out read one row per destination.
  const earlier = Array.from({ length: applied - 1 }, (_, i) => i + 1).filter((v) => v !== data.version);
  const rows = await Promise.all(earlier.map((v) => ctx.store.getDelivery(data.articleId, v, data.destinationId)));
  return rows.some((row) => row?.state === "sending");
}

/**
 * Sends `applied` (this job's version or a newer one it coalesced) and records it. With `onlyIfNewest`
 * (a first version sent without the story lock), returns null instead, before sending, when a newer
 * version is stored by the time the delivery is marked sending: the caller then takes the lock.
 */
async function deliverVersion(
  job: Job<DeliverJobData>,
  token: string | undefined,
  applied: number,
  poster: Poster,
  ctx: PipelineContext,
  log: PipelineContext["log"],
  holdsLock: LockCheck,
  options: { onlyIfNewest?: boolean } = {},
): Promise<DeliverOutcome | null> {
  const { articleId, version, destinationId } = job.data;
  const stored = await storedVersion(ctx.store, articleId, applied);
  if (!stored) throw new UnrecoverableError(`article ${articleId} v${applied} is not stored`);
  const { card, ref } = await loadCard(stored.article, ctx);
  const message = buildMessage(stored.article, { card: ref });
  // A job Redis lost while this worker held it (restarted empty, flushed) is queued again by
  // recovery, and one whose lock lapsed is another worker's now: sending here too would double
  // a delivery that was never in flight. Extending the lock proves it is still this worker's.
  if (token && !(await holdsLock(job, token))) {
    throw new Error("this worker no longer holds the job (Redis lost it, or its lock lapsed); not sending");
  }

  // The bookkeeping follows the version sent: a coalesced burst is one send of the newest.
  const key = { articleId, version: applied, destinationId };
  await ctx.store.markSending(articleId, applied, destinationId);
  // Marked sending first, then checked: a newer version's job either sees this one in flight and waits, or is seen here.
  if (options.onlyIfNewest && (await ctx.store.latestVersion(articleId)) !== applied) return null;
  const target = { platform: poster.platform, destinationId };
  let sent: Sent;
  try {
    sent = await applyVersion({
      data: job.data,
      poster,
      policy: storyPolicyOf(ctx.config, destinationId),
      stored,
      message,
      card,
      // A first version that is still the only one has nothing delivered before it.
      earlier: options.onlyIfNewest ? null : await ctx.store.latestDelivered(articleId, destinationId),
      ctx,
      log,
      progress: (step) => keepSent(job, step, log),
      nextSlot: () => nextSlot(poster, ctx),
    });
    ctx.metrics.delivery("delivered", target);
    ctx.metrics.delivered(poster.platform, deliveryTimes(stored, Date.now()));
  } catch (error) {
    if (error instanceof NothingToRetract) {
      await ctx.store.markFailed(articleId, applied, destinationId, error.message, true);
      log.info({ err: error.message }, "retracted before it reached this destination; nothing posted");
      return { status: "skipped", reason: error.message };
    }
    const reason = error instanceof Error ? error.message : String(error);
    ctx.metrics.deliveryFailure(poster.platform, failureReason(error));
    // The next attempt reserves a fresh slot, and keeps what already went through (an edit before a failed reply).
    if (job.data.slotAt !== undefined) {
      const { sent: done } = job.data;
      await job.updateData({ articleId, version, destinationId, ...(done ? { sent: done } : {}) });
    }
    const permanent = error instanceof AdapterError && !error.retryable;
    // A rate limit waits without spending an attempt, so it is never the last try.
    const waits = error instanceof RateLimitError && token;
    const final = permanent || (!waits && job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
    await noteAttempt(ctx, log, key, failedAttempt(error, final));
    if (waits) {
      ctx.metrics.delivery("rate_limited", target);
      await ctx.store.markFailed(articleId, applied, destinationId, reason, false);
      log.warn({ retryAfterMs: error.retryAfterMs }, "rate limited; waiting as asked");
      await job.moveToDelayed(Date.now() + error.retryAfterMs, token);
      throw new DelayedError();
    }
    // BullMQ retries while attempts remain; the last one failing is the delivery given up on.
    ctx.metrics.delivery(final ? "failed" : "retried", target);
    await ctx.store.markFailed(articleId, applied, destinationId, reason, permanent);
    if (permanent) {
      if (error.code === "permission" || error.code === "not_found" || error.code === "auth") {
        await ctx.store.flagDestination(destinationId, reason);
        await ctx.alerts.destinationFlagged(destinationId, reason);
      }
      log.error({ err: reason }, "delivery failed permanently");
      throw new UnrecoverableError(reason);
    }
    log.warn({ err: reason, attempt: job.attemptsMade + 1 }, "delivery failed; will retry");
    throw error;
  }
  // Kept in the job only if recording it fails (recordSent): one Redis write fewer per delivery
  // in a fan-out, and the in-job record retries are what keep a busy store from costing a resend.
  return recordSent(job, sent, ctx, log);
}

/**
 * Kept in the job: whatever happens to the store from now on, a retry of the job only records.
 * A job that Redis lost meanwhile (restarted empty) cannot keep it; recording the send in the
 * store still can, and then recovery finds the delivery done instead of queuing it again.
 */
async function keepSent(job: Job<DeliverJobData>, sent: Sent, log: PipelineContext["log"]): Promise<void> {
  await job
    .updateData({ ...job.data, sent })
    .catch((error: Error) =>
      log.warn(
        { err: error.message, messageId: sent.messageId },
        "sent, but the job is gone from Redis; recording the send in the store",
      ),
    );
}

/** A retried job whose send went through: the thread reply it may still owe, then the record. Nothing is sent twice. */
async function finishSent(
  job: Job<DeliverJobData>,
  sent: Sent,
  ctx: PipelineContext,
  log: PipelineContext["log"],
): Promise<DeliverOutcome> {
  if (!sent.reply || sent.reply.done) return recordSent(job, sent, ctx, log);
  const { articleId, destinationId } = job.data;
  const stored = await storedVersion(ctx.store, articleId, sent.version ?? job.data.version);
  if (!stored) throw new UnrecoverableError(`article ${articleId} v${sent.version} is not stored`);
  const poster = await ctx.poster(destinationId);
  const done = await replyWithUpdate(
    {
      data: job.data,
      poster,
      policy: storyPolicyOf(ctx.config, destinationId),
      stored,
      ctx,
      progress: (step) => keepSent(job, step, log),
      nextSlot: () => nextSlot(poster, ctx),
    },
    sent,
  );
  await keepSent(job, done, log);
  return recordSent(job, done, ctx, log);
}

/** A second send inside one job (the thread reply after the edit) takes its own slot of the chat's pace. */
async function nextSlot(poster: Poster, ctx: PipelineContext): Promise<void> {
  if (!poster.paces?.length) return;
  const wait = await reserveSlots(ctx.redis, ctx.config.redis.prefix, poster.paces);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await spaceSends(poster.paces);
}

/** How often recording a send is tried inside the job, and the first pause (doubling) between tries. */
const RECORD_TRIES = 5;
const RECORD_FIRST_PAUSE_MS = 100;

/**
 * Records a send the platform already accepted. A bounded loop here rather than BullMQ's retry:
 * failing the job would be retried too, but only after the backoff, and the store is usually
 * busy for milliseconds. If every try fails the job fails; its retry finds `sent` in the job
 * data and only records (never posts again), and recordExhausted records it as delivered.
 */
async function recordSent(
  job: Job<DeliverJobData>,
  sent: NonNullable<DeliverJobData["sent"]>,
  ctx: PipelineContext,
  log: PipelineContext["log"],
): Promise<DeliverOutcome> {
  const { articleId, version, destinationId } = job.data;
  for (let attempt = 1; ; attempt++) {
    try {
      await markSentDelivered(ctx, job.data, sent);
      break;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // From the first failure on, the send is in the job: if the process dies or every try fails, the retry only records.
      if (attempt === 1 && job.data.sent !== sent) await keepSent(job, sent, log);
      if (attempt >= RECORD_TRIES) {
        log.error(
          { err: reason, messageId: sent.messageId },
          "sent but cannot record it; the job's retry records it without posting again",
        );
        throw new Error(`sent (message ${sent.messageId ?? "without id"}) but recording it failed: ${reason}`, {
          cause: error,
        });
      }
      log.warn({ err: reason, attempt }, "sent but recording it failed; trying again");
      await new Promise((resolve) => setTimeout(resolve, RECORD_FIRST_PAUSE_MS * 2 ** (attempt - 1)));
    }
  }
  log.info(
    { messageId: sent.messageId, applied: sent.version ?? version },
    sent.edited ? "delivered as an edit of the earlier version" : "delivered",
  );
  // Noted once the send is recorded: a job that failed to record it notes it on the retry that does.
  await noteAttempt(
    ctx,
    log,
    { articleId, version: sent.version ?? version, destinationId },
    {
      outcome: "delivered",
      ...(sent.messageId ? { messageId: sent.messageId } : {}),
    },
  );
  await ctx.alerts.deliveredTo(destinationId);
  if (job.data.givenUp) await ctx.alerts.resolved({ kind: "delivery", articleId, version, destinationId });
  return { status: "delivered", messageId: sent.messageId };
}

/**
 * The version sent first (latestDelivered then names it), then the job's own when the send
 * coalesced it into a newer one: both are shown by that message now.
 */
async function markSentDelivered(ctx: PipelineContext, data: DeliverJobData, sent: Sent): Promise<void> {
  const { articleId, version, destinationId } = data;
  const applied = sent.version ?? version;
  await ctx.store.markDelivered(articleId, applied, destinationId, sent.messageId);
  if (applied !== version) await ctx.store.markDelivered(articleId, version, destinationId, sent.messageId);
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
async function waitForSendSlot(
  job: Job<DeliverJobData>,
  token: string,
  paces: Poster["paces"],
  ctx: PipelineContext,
): Promise<boolean> {
  if (!paces?.length) return false;
  let slotAt = job.data.slotAt;
  if (slotAt === undefined || Date.now() - slotAt > LATE_MS) {
    slotAt = Math.ceil(Date.now() + (await reserveSlots(ctx.redis, ctx.config.redis.prefix, paces)));
    await job.updateData({ ...job.data, slotAt });
    const { articleId, destinationId } = job.data;
    await notePendingApply(ctx.redis, ctx.config.redis.prefix, articleId, destinationId, slotAt);
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

/**
 * Marks a delivery failed for good once BullMQ has spent every attempt, with the real reason.
 * Never throws (it runs in a worker event handler): when the store cannot record it, the
 * reason is logged at error instead. A job whose message was sent is recorded as delivered.
 */
export async function recordExhausted(
  job: Job<DeliverJobData> | undefined,
  error: Error,
  ctx: PipelineContext,
): Promise<void> {
  if (!job || error instanceof DelayedError) return;
  const attempts = job.opts.attempts ?? 1;
  if (job.attemptsMade < attempts && !(error instanceof UnrecoverableError)) return;
  const { articleId, version, destinationId, sent } = job.data;
  const log = ctx.log.child({ articleId, version, destinationId, jobId: job.id });
  try {
    if (sent) await markSentDelivered(ctx, job.data, sent);
    else await ctx.store.markFailed(articleId, version, destinationId, error.message, true);
  } catch (storeError) {
    const cannot = storeError instanceof Error ? storeError.message : String(storeError);
    log.error(
      { err: error.message, storeError: cannot, messageId: sent?.messageId },
      sent ? "delivered, but it cannot be recorded" : "delivery failed, and the failure cannot be recorded",
    );
    return;
  }
  if (sent) return;
  log.error({ err: error.message }, "delivery failed for good");
  // Only an admin's retry runs this job again; the mark lets the retry tell itself apart (see processDelivery).
  await job
    .updateData({ ...job.data, givenUp: true })
    .catch((markError: Error) =>
      log.warn({ err: markError.message }, "cannot mark the job as given up; a retry from the dashboard will skip it"),
    );
  await alertGivenUp(job.data, error.message, ctx);
}

/** A delivery given up alerts, unless its destination is flagged: that destination's one alert already says why. */
async function alertGivenUp(data: DeliverJobData, reason: string, ctx: PipelineContext): Promise<void> {
  if (!ctx.alerts.enabled) return;
  const { articleId, version, destinationId } = data;
  const destination = await ctx.store.getDestination(destinationId).catch(() => null);
  if (destination?.flaggedReason) return;
  await ctx.alerts.problem({ kind: "delivery", articleId, version, destinationId }, reason);
}

async function loadCard(
  article: Parameters<typeof cardDataFromArticle>[0],
  ctx: PipelineContext,
): Promise<{ card: CardFile | null; ref: CardRef | null }> {
  const data = cardDataFromArticle(article);
  if (!data) return { card: null, ref: null };
  const key = cardKey(data);
  const png = await storedCard(ctx.store, key);
  if (!png) return { card: null, ref: null };
  const { width, height } = pngSize(png);
  const base = ctx.config.cards.publicBaseUrl;
  const url = base ? new URL(`cards/${key}.png`, base.endsWith("/") ? base : `${base}/`).href : null;
  return { card: { filename: CARD_FILENAME, png }, ref: { filename: CARD_FILENAME, url, width, height } };
}

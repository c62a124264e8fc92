import type { CardFile, Poster } from "../../src/adapter.ts";
import { NotFoundError, RateLimitError } from "../../src/errors.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import type { Delivery, StoredArticle } from "../../src/store/index.ts";
import {
  effectiveUpdates,
  notifyFor,
  retractedMessage,
  type StoryClock,
  type StoryPolicy,
  severityOf,
  storyUpdate,
  updatedMessage,
} from "../../src/story/index.ts";
import type { DeliverJobData } from "../queues.ts";
import type { PipelineContext } from "./context.ts";
import { storedVersion } from "./immutable-reads.ts";
import { feedStoryOptions } from "./story-policy.ts";

export type Sent = NonNullable<DeliverJobData["sent"]>;

/**
 * Which version a delivery job applies. A job never applies its own version after a newer one:
 * when a newer version is already delivered here the job is `covered` (superseded, nothing sent);
 * when a newer version has been fanned out (its card rendered, its delivery recorded) the job
 * applies that one — the coalescing: the first job of a burst to run applies the newest.
 */
export async function chooseVersion(
  data: Pick<DeliverJobData, "articleId" | "version" | "destinationId">,
  ctx: PipelineContext,
): Promise<{ covered: Delivery } | { apply: number }> {
  const { articleId, version, destinationId } = data;
  const latest = await ctx.store.latestDelivered(articleId, destinationId);
  if (latest && latest.version > version) return { covered: latest };
  const newest = await ctx.store.latestVersion(articleId);
  if (newest === null || newest <= version) return { apply: version };
  const row = await ctx.store.getDelivery(articleId, newest, destinationId);
  if (row?.state === "delivered") return { covered: row };
  // Stored but not fanned out yet (its card may still be rendering), or given up on here: this job's own version.
  if (!row || row.permanentFailure) return { apply: version };
  return { apply: newest };
}

export interface Application {
  data: DeliverJobData;
  poster: Poster;
  policy: StoryPolicy;
  stored: StoredArticle;
  message: NewsMessage;
  card: CardFile | null;
  /** What this destination shows of the article now, or null when it never got it. */
  earlier: Delivery | null;
  ctx: PipelineContext;
  log: PipelineContext["log"];
  /** Keeps a step that the platform accepted in the job before the next one, so a retry never repeats it. */
  progress: (sent: Sent) => Promise<void>;
  /** Waits for the next send slot of the poster's paces (a reply is a second send to the same chat). */
  nextSlot: () => Promise<void>;
}

/**
 * Applies one stored version at one destination, by its policy and what the poster can do:
 * the first post (with the severity's notify and crosspost), an edit in place with the
 * "updated" marker and the new card, a thread reply with what changed, or the retraction.
 * The platform has accepted everything it returns.
 */
export async function applyVersion(a: Application): Promise<Sent> {
  const { stored, earlier, poster, policy } = a;
  const version = stored.version;
  const shown = earlier?.platformMessageId ?? null;
  if (stored.article.retracted) return retract(a, shown);
  if (!shown || !earlier) return firstPost(a);

  const mode = effectiveUpdates(policy.updates, { edit: Boolean(poster.edit), reply: Boolean(poster.reply) });
  const clock = storyClock(a);
  if (mode === "post") return firstPost(a);
  if (mode !== "thread" && poster.edit) {
    try {
      await poster.edit(shown, updatedMessage(a.message, clock), a.card);
    } catch (error) {
      // Someone deleted the earlier message: post the new version instead (a gone channel fails the post too).
      if (!(error instanceof NotFoundError)) throw error;
      a.log.info({ messageId: shown }, "earlier message is gone; posting the new version");
      return firstPost(a);
    }
  }
  const edited: Sent = { messageId: shown, edited: mode !== "thread", version };
  if (mode === "edit") return edited;
  const pending: Sent = { ...edited, reply: { since: earlier.version, done: false } };
  await a.progress(pending);
  return await replyWithUpdate(a, pending);
}

/** The thread reply of an applied version (also what a retried job still owes after its edit went through). */
export async function replyWithUpdate(
  a: Pick<Application, "data" | "poster" | "policy" | "stored" | "ctx" | "progress" | "nextSlot">,
  sent: Sent,
): Promise<Sent> {
  const { poster, stored } = a;
  if (!sent.reply || sent.reply.done || !poster.reply || !sent.messageId) return sent;
  const seen = await storedVersion(a.ctx.store, stored.article.id, sent.reply.since);
  if (!seen)
    throw new Error(`article ${stored.article.id} v${sent.reply.since} is not stored; cannot say what changed`);
  const update = storyUpdate(seen.article, stored.article, storyClock(a));
  await a.nextSlot();
  const notify = notifyFor("minor", a.policy);
  await poster.reply(sent.messageId, update, {
    idempotencyKey: `${stored.article.id}.v${stored.version}.${a.data.destinationId}.reply`,
    ...(notify ? { notify } : {}),
  });
  return { ...sent, reply: { ...sent.reply, done: true } };
}

function storyClock(a: Pick<Application, "stored" | "ctx">): StoryClock {
  const { zone } = feedStoryOptions(a.ctx.config, a.stored.feedId, a.stored.article.language);
  return { at: Date.parse(a.stored.createdAt), zone };
}

async function firstPost(a: Application): Promise<Sent> {
  const { stored, poster, policy, data } = a;
  const { prefixes } = feedStoryOptions(a.ctx.config, stored.feedId, stored.article.language);
  const severity = severityOf(stored.article, prefixes);
  const notify = notifyFor(severity, policy);
  const posted = await poster.post(a.message, a.card, {
    idempotencyKey: `${stored.article.id}.v${stored.version}.${data.destinationId}`,
    ...(notify ? { notify } : {}),
  });
  if (severity === "breaking" && policy.crosspost === "breaking" && posted.id) await crosspost(a, posted.id);
  return { messageId: posted.id, edited: false, version: stored.version };
}

/** Publishing to following servers is a bonus: refused (Discord allows ~10 an hour per channel), the post still stands. */
async function crosspost(a: Application, messageId: string): Promise<void> {
  if (!a.poster.crosspost) {
    a.log.warn({ messageId }, "crosspost: breaking is set, but this destination cannot crosspost; skipped");
    return;
  }
  try {
    await a.poster.crosspost(messageId);
    a.log.info({ messageId }, "breaking post crossposted to following servers");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const why =
      error instanceof RateLimitError
        ? `crosspost refused by the platform's rate limit (retry after ${Math.ceil(error.retryAfterMs / 1000)} s); skipped, not retried`
        : "crosspost failed; skipped, the post stands";
    a.log.warn({ messageId, err: reason }, why);
  }
}

/**
 * A retracted version: the post members saw is edited to the retracted form (`mark`) or deleted
 * (`delete`). A destination that never got the article gets nothing: the fan-out does not queue it
 * there, and a job that finds nothing shown ends without posting.
 */
async function retract(a: Application, shown: string | null): Promise<Sent> {
  const { poster, policy, stored } = a;
  if (!shown) throw new NothingToRetract(`article ${stored.article.id} was retracted before it was posted here`);
  if (policy.retractions === "delete" && poster.delete) {
    await poster.delete(shown).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
    });
    return { messageId: shown, edited: true, version: stored.version };
  }
  const message = retractedMessage(a.message);
  if (poster.edit) await poster.edit(shown, message, null);
  // A destination that can only post (an incoming webhook) is told once, in the same words.
  else
    await poster.post(message, null, {
      idempotencyKey: `${stored.article.id}.v${stored.version}.${a.data.destinationId}`,
    });
  return { messageId: shown, edited: true, version: stored.version };
}

/** A retraction for a destination that shows nothing of the article: ends the job, never posts. */
export class NothingToRetract extends Error {
  override readonly name = "NothingToRetract";
}

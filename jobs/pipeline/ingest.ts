import { UnrecoverableError } from "bullmq";
import { type Article, ArticleParseError } from "../../src/article/index.ts";
import { cardDataFromArticle, cardKey } from "../../src/card/index.ts";
import { passesFilters } from "../../src/filters.ts";
import type { DeliverJobData, IngestJobData } from "../queues.ts";
import { deliverJobId } from "../queues.ts";
import type { PipelineContext } from "./context.ts";
import { feedView } from "./feeds.ts";

export type IngestOutcome =
  | { status: "filtered"; articleId: string }
  | { status: "stale"; articleId: string; version: number; reason: string }
  | { status: "stored"; articleId: string; version: number; changed: boolean; queued: number; card: boolean };

/**
 * Input → article → stored version → card → one delivery job per destination.
 * Every step is idempotent, so a retried or re-ingested job converges on the
 * same state: same content keeps its version, delivery jobs have
 * deterministic ids, and deliveries already made are not queued again.
 */
export async function processIngest(data: IngestJobData, ctx: PipelineContext): Promise<IngestOutcome> {
  const feed = feedView(ctx.config, ctx.store, data.feedId);
  if (!feed) throw new UnrecoverableError(`${data.input}: unknown feed '${data.feedId}'`);
  const log = ctx.log.child({ feedId: feed.id, input: data.input });

  let article: Article;
  try {
    article = await parse(data, { baseUrl: feed.baseUrl, source: feed.name }, ctx);
  } catch (error) {
    if (error instanceof ArticleParseError) {
      ctx.store.recordFeedError(feed.id, error.message);
      log.warn({ err: error.message }, "bad article input");
      throw new UnrecoverableError(error.message);
    }
    throw error;
  }

  if (!passesFilters(article, feed.filters)) {
    log.info({ articleId: article.id }, "article filtered out");
    return { status: "filtered", articleId: article.id };
  }

  const { version, changed, stale } = ctx.store.upsertArticle(article, feed.id);
  if (stale) {
    // An old version arriving late (a replay, a stale mirror) must not undo a correction: nothing is queued.
    log.warn({ articleId: article.id, version, stale: stale.kind, reason: stale.reason }, "older article version ignored");
    return { status: "stale", articleId: article.id, version, reason: stale.reason };
  }
  const card = await ensureCard(article, ctx, log);
  const jobs = fanOut(article.id, version, feed.destinations, ctx);
  if (jobs.length) await ctx.deliverQueue.addBulk(jobs.map((data) => ({ name: "deliver", data, opts: { jobId: deliverJobId(data) } })));
  log.info({ articleId: article.id, version, changed, queued: jobs.length, card }, "article ingested");
  return { status: "stored", articleId: article.id, version, changed, queued: jobs.length, card };
}

/** Raw input is parsed on a worker thread within the processing budget; an over-budget input fails like a malformed one. */
function parse(data: IngestJobData, options: { baseUrl: string | null; source: string | null }, ctx: PipelineContext): Promise<Article> {
  switch (data.kind) {
    case "article":
      return Promise.resolve(data.article);
    case "post":
      return ctx.untrusted.article({ kind: "post", raw: data.raw, input: data.input, options });
    case "fields":
      return ctx.untrusted.article({ kind: "fields", fields: data.fields, input: data.input, options });
  }
}

/** Renders the card once per content (the key hashes the card data), stored for every worker to read. */
async function ensureCard(article: Article, ctx: PipelineContext, log: PipelineContext["log"]): Promise<boolean> {
  const data = cardDataFromArticle(article);
  if (!data) return false;
  const key = cardKey(data);
  if (ctx.store.getCard(key)) return true;
  const renderer = await ctx.renderer();
  if (!renderer) return false;
  try {
    const rendered = await renderer.render(data);
    ctx.store.putCard(key, rendered.png);
    return true;
  } catch (error) {
    // A card is an extra: the news goes out without it rather than not at all.
    log.error({ articleId: article.id, err: (error as Error).message }, "card render failed; delivering without card");
    return false;
  }
}

function fanOut(articleId: string, version: number, destinations: string[], ctx: PipelineContext): DeliverJobData[] {
  const jobs: DeliverJobData[] = [];
  for (const destinationId of destinations) {
    const existing = ctx.store.recordDeliveryPending(articleId, version, destinationId);
    if (existing.state === "delivered" || existing.permanentFailure) continue;
    jobs.push({ articleId, version, destinationId });
  }
  return jobs;
}

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { relative, sep } from "node:path";
import { UnrecoverableError } from "bullmq";
import { type Article, ArticleParseError, NotPublishedError, type ParseOptions } from "../../src/article/index.ts";
import { cardDataFromArticle, cardKey } from "../../src/card/index.ts";
import { passesFilters } from "../../src/filters.ts";
import type { SiteInfo } from "../../src/site/index.ts";
import type { IngestJobData } from "../queues.ts";
import { deliverJob } from "../queues.ts";
import { siteOfFolder } from "../sources/directory.ts";
import type { IngestContext, PipelineContext } from "./context.ts";
import { feedView } from "./feeds.ts";

export type IngestOutcome =
  | { status: "unpublished"; reason: string }
  | { status: "scheduled"; reason: string; at: string; jobId: string }
  /** Found by a feed's first scan and already out (or unreadable): nothing is stored or posted. */
  | { status: "recorded"; articleId: string | null }
  | { status: "filtered"; articleId: string }
  | { status: "stale"; articleId: string; version: number; reason: string }
  | { status: "stored"; articleId: string; version: number; changed: boolean; queued: number; card: boolean };

/**
 * Input → article → stored version → card → one delivery job per destination.
 * Every step is idempotent, so a retried or re-ingested job converges on the
 * same state: same content keeps its version, delivery jobs have
 * deterministic ids, and deliveries already made are not queued again.
 */
export async function processIngest(data: IngestJobData, ctx: IngestContext, jobId?: string): Promise<IngestOutcome> {
  const feed = await feedView(ctx.config, ctx.store, data.feedId);
  if (!feed) throw new UnrecoverableError(`${data.input}: unknown feed '${data.feedId}'`);
  const log = ctx.log.child({ feedId: feed.id, input: data.input });

  const folder = ctx.config.feeds.find((f) => f.id === feed.id && f.type === "directory");
  const site = folder?.type === "directory" ? siteOfFolder(folder.path, folder.site ?? null, log, feed.id) : null;
  let input: Parameters<typeof parse>[0] = data;
  if (data.kind === "post" && data.recheck && folder) {
    // A scheduled post is read again when it falls due: the author may have moved or withdrawn it meanwhile.
    const raw = await readFile(data.input).catch(() => null);
    if (!raw) {
      log.info("scheduled post is gone; nothing to post");
      return { status: "unpublished", reason: "file removed before its publish time" };
    }
    input = { ...data, raw: new Uint8Array(raw) };
  }

  const parseOptions = { baseUrl: feed.baseUrl, source: feed.name, ...siteOptions(site, data.input) };
  let article: Article;
  try {
    article = await parse(input, parseOptions, ctx, (warning) => log.warn({ warning }, "post read with a warning"));
  } catch (error) {
    // Not published (yet) is the site's rule, not a fault of the post: never stored, never a feed error.
    // Unless it was out already: then its author took it back, and it is retracted where it was posted.
    const withdrawn =
      error instanceof NotPublishedError && !error.publishAt && input.kind === "post"
        ? await withdrawnArticle(input, parseOptions, ctx)
        : null;
    if (withdrawn) article = withdrawn;
    else if (error instanceof NotPublishedError) return holdBack(error, data, ctx, log, jobId);
    else if (error instanceof ArticleParseError && data.kind === "post" && data.scheduleOnly) {
      // The first scan never posted (nor judged) what was already there: an old broken post is not news now.
      log.debug({ err: error.message }, "unreadable post found by the first scan; recorded, not posted");
      return { status: "recorded", articleId: null };
    } else if (error instanceof ArticleParseError) {
      await ctx.store.recordFeedError(feed.id, error.message);
      log.warn({ err: error.message }, "bad article input");
      throw new UnrecoverableError(error.message);
    } else throw error;
  }

  if (data.kind === "post" && data.scheduleOnly) {
    log.info({ articleId: article.id }, "already published when the feed was first scanned; recorded, not posted");
    return { status: "recorded", articleId: article.id };
  }

  if (!passesFilters(article, feed.filters)) {
    log.info({ articleId: article.id }, "article filtered out");
    return { status: "filtered", articleId: article.id };
  }

  const { version, changed, stale } = await ctx.store.upsertArticle(article, feed.id);
  if (stale) {
    // An old version arriving late (a replay, a stale mirror) must not undo a correction: nothing is queued.
    log.warn(
      { articleId: article.id, version, stale: stale.kind, reason: stale.reason },
      "older article version ignored",
    );
    return { status: "stale", articleId: article.id, version, reason: stale.reason };
  }
  const card = await ensureCard(article, ctx, log);
  const queued = await fanOut(article, version, feed.destinations, ctx);
  log.info({ articleId: article.id, version, changed, queued, card }, "article ingested");
  return { status: "stored", articleId: article.id, version, changed, queued, card };
}

/**
 * A post its site does not publish now is not ingested. One due later is
 * queued again, delayed until its publish time, and read again then; one
 * that will never be due by itself (a draft) goes out when an edit publishes
 * it, which the folder watcher sees as a changed file.
 */
async function holdBack(
  error: NotPublishedError,
  data: IngestJobData,
  ctx: PipelineContext,
  log: PipelineContext["log"],
  jobId: string | undefined,
): Promise<IngestOutcome> {
  if (!error.publishAt) {
    log.info({ reason: error.reason }, "not published by its site; skipped");
    return { status: "unpublished", reason: error.reason };
  }
  const at = Date.parse(error.publishAt);
  const base = (
    jobId ?? `${data.feedId}.${createHash("sha256").update(data.input).digest("hex").slice(0, 16)}`
  ).replace(/@.*$/, "");
  let id = `${base}@${at}`;
  // This very job ran before its time (another machine's clock): a new id, or BullMQ would take the add for a duplicate.
  if (id === jobId) id = `${id}.${Date.now()}`;
  const delay = Math.max(0, at - Date.now());
  // When it falls due it is posted, whichever scan found it.
  const due: IngestJobData = data.kind === "post" ? { ...data, recheck: true, scheduleOnly: false } : data;
  await ctx.ingestQueue.add("ingest", due, { jobId: id, delay });
  log.info({ reason: error.reason, at: error.publishAt, jobId: id }, "not yet published; queued for its publish time");
  return { status: "scheduled", reason: error.reason, at: error.publishAt, jobId: id };
}

/**
 * The post as a retracted article when its flags unpublish it (`published: false`, `draft: true`)
 * but an earlier version of it is stored (it went out); null otherwise, and for a post that does not read.
 */
async function withdrawnArticle(
  input: Extract<Parameters<typeof parse>[0], { kind: "post" }>,
  options: Omit<ParseOptions, "onWarning">,
  ctx: PipelineContext,
): Promise<Article | null> {
  const article = await parse(input, { ...options, withdrawnAsRetracted: true }, ctx, () => {}).catch(() => null);
  if (!article) return null;
  const stored = await ctx.store.getArticle(article.id);
  return stored && !stored.article.retracted ? article : null;
}

function siteOptions(site: SiteInfo | null, file: string): Pick<ParseOptions, "site" | "sitePath"> {
  if (!site) return {};
  return { site, sitePath: relative(site.root, file).split(sep).join("/") };
}

/** Raw input is parsed on a worker thread within the processing budget; an over-budget input fails like a malformed one. */
function parse(
  data:
    | Exclude<IngestJobData, { kind: "post" }>
    | (Omit<Extract<IngestJobData, { kind: "post" }>, "raw"> & { raw: string | Uint8Array }),
  options: Omit<ParseOptions, "onWarning">,
  ctx: PipelineContext,
  onWarning: (message: string) => void,
): Promise<Article> {
  switch (data.kind) {
    case "article":
      return Promise.resolve(data.article);
    case "post":
      return ctx.untrusted.article({ kind: "post", raw: data.raw, input: data.input, options }, onWarning);
    case "fields":
      return ctx.untrusted.article({ kind: "fields", fields: data.fields, input: data.input, options }, onWarning);
  }
}

/** Renders the card once per content (the key hashes the card data), stored for every worker to read. */
async function ensureCard(article: Article, ctx: IngestContext, log: PipelineContext["log"]): Promise<boolean> {
  const data = cardDataFromArticle(article);
  if (!data) return false;
  const key = cardKey(data);
  if (await ctx.store.getCard(key)) {
    ctx.metrics.cardCacheHit();
    return true;
  }
  try {
    // Inside the try: a Chromium that will not start costs the card, not the post (/healthz says why).
    const renderer = await ctx.renderer();
    if (!renderer) return false;
    const started = performance.now();
    const renderSeconds = () => (performance.now() - started) / 1000;
    const rendered = await renderer.render(data).catch((error: unknown) => {
      ctx.metrics.cardRendered(renderSeconds(), false);
      throw error;
    });
    ctx.metrics.cardRendered(renderSeconds(), true);
    await ctx.store.putCard(key, rendered.png);
    return true;
  } catch (error) {
    // A card is an extra: the news goes out without it rather than not at all.
    log.error({ articleId: article.id, err: (error as Error).message }, "card render failed; delivering without card");
    return false;
  }
}

/**
 * Destinations recorded and queued per step of a fan-out. The first posts go out while the rest are
 * still being recorded: one 10,000-destination step kept every channel waiting about 1.7 s (the rows,
 * then one MULTI of 10,000 jobs that also held Redis for its whole length), and every worker but the
 * ingesting one idle meanwhile.
 */
export const FAN_OUT_STEP = 500;

/**
 * Queues one delivery job per destination that still needs this version, step by step (FAN_OUT_STEP),
 * and says how many. A destination that already shows the article gets its job after the coalescing
 * window (`delivery.coalesce`): versions arriving within it reach members as one edit and one reply
 * (the first job to run applies the newest). A retracted article goes only where it was posted: it is
 * never posted anywhere fresh. Stopped halfway (a crash), the job's retry converges: rows already
 * recorded are read back, delivered ones skipped, and queued jobs keep their ids.
 */
export async function fanOut(
  article: Pick<Article, "id" | "retracted">,
  version: number,
  destinations: readonly string[],
  ctx: Pick<PipelineContext, "store" | "config" | "deliverQueue">,
): Promise<number> {
  const shown = version > 1 ? await destinationsShowing(article.id, ctx) : new Set<string>();
  const targets = [...new Set(article.retracted ? destinations.filter((id) => shown.has(id)) : destinations)];
  const delay = ctx.config.delivery.coalesce;
  let queued = 0;
  for (let start = 0; start < targets.length; start += FAN_OUT_STEP) {
    const step = targets.slice(start, start + FAN_OUT_STEP);
    const deliveries = await ctx.store.recordDeliveriesPending(article.id, version, step);
    const jobs = deliveries
      .filter((existing) => existing.state !== "delivered" && !existing.permanentFailure)
      .map(({ destinationId }) => {
        const job = deliverJob({ articleId: article.id, version, destinationId });
        // A retraction does not wait: the withdrawn text should not stay on show a moment longer.
        const coalesce = delay > 0 && !article.retracted && shown.has(destinationId);
        return coalesce ? { ...job, opts: { ...job.opts, delay } } : job;
      });
    if (jobs.length) await ctx.deliverQueue.addBulk(jobs);
    queued += jobs.length;
  }
  return queued;
}

/** Destinations where some version of the article is posted (one read for the whole fan-out). */
async function destinationsShowing(articleId: string, ctx: Pick<PipelineContext, "store">): Promise<Set<string>> {
  const deliveries = await ctx.store.listArticleDeliveries(articleId);
  return new Set(deliveries.filter((d) => d.state === "delivered" && d.platformMessageId).map((d) => d.destinationId));
}

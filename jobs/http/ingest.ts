import { createHash } from "node:crypto";
import type { Queue } from "bullmq";
import type { HeraldConfig } from "../../config/schema.ts";
import { type Article, type ArticleFields, ArticleParseError, NotPublishedError } from "../../src/article/index.ts";
import type { Log } from "../../src/log.ts";
import type { Store } from "../../src/store/index.ts";
import { type RetractOutcome, retractArticle } from "../pipeline/retract.ts";
import type { DeliverJobData, IngestJobData } from "../queues.ts";
import type { UntrustedPool } from "../untrusted/pool.ts";
import { HttpError } from "./body.ts";
import { type IngestAuthDeps, readAuthenticatedIngest } from "./ingest-auth.ts";

/** Where the handler parses (a worker thread within the budget) and records input it had to refuse. */
export interface IngestParsing {
  untrusted: UntrustedPool;
  store: Pick<Store, "recordFeedError" | "getArticle">;
  log: Log;
}

/** What the sender is told: queued now, queued for its publish time, or not published by its own front matter. */
export type IngestAccepted =
  | { accepted: true; feedId: string; articleId: string; jobId: string }
  | { accepted: true; feedId: string; scheduledFor: string; reason: string; jobId: string }
  | { accepted: false; feedId: string; skipped: string };

/**
 * `POST /ingest` and `POST /ingest/<feed id>`: a post (text/markdown, front
 * matter + body) or a JSON article, authenticated by a bearer token or an
 * HMAC signature of the timestamp and raw body (ingest-auth.ts). The input
 * is parsed (on a worker thread, within the budget) before it is queued, so
 * the caller learns at once what is wrong with it; nothing is stored or
 * queued for a request that fails auth or parsing. The parsed article is
 * what is queued, so the ingest worker does not parse it again.
 */
export async function handleIngest(
  request: Request,
  feedIdFromPath: string | null,
  config: HeraldConfig,
  queue: Queue<IngestJobData>,
  deps: IngestAuthDeps & IngestParsing,
): Promise<IngestAccepted> {
  const { feed, raw } = await readAuthenticatedIngest(request, feedIdFromPath, config, deps);

  const contentType = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const input = `POST /ingest/${feed.id}`;
  const options = { baseUrl: feed.baseUrl ?? null, source: feed.name ?? null };
  // Only cheap checks run on the event loop; the parse itself runs once, on a worker thread within the budget, and its result is queued.
  let article: Article;
  try {
    if (contentType === "application/json") {
      article = await deps.untrusted.article({ kind: "fields", fields: parseJsonArticle(raw), input, options });
    } else if (contentType === "text/markdown" || contentType === "text/plain" || contentType === "text/x-markdown") {
      article = await deps.untrusted.article({ kind: "post", raw, input, options });
    } else {
      throw new HttpError(
        415,
        `unsupported content type '${contentType || "(none)"}': send text/markdown or application/json`,
      );
    }
  } catch (error) {
    // A draft or an embargoed post is the sender's own rule, not a fault: never a feed error, never posted early.
    // A post that went out and comes back unpublished is the sender taking it back: it is retracted.
    const withdrawn = error instanceof NotPublishedError ? await withdrawnPost(error, raw, input, options, deps) : null;
    if (withdrawn) return queueArticle(feed.id, input, withdrawn, raw, queue);
    if (error instanceof NotPublishedError) return holdBack(error, feed.id, input, contentType, raw, queue, deps.log);
    if (error instanceof ArticleParseError) {
      // Admins see a sender's broken (or over-budget) posts on the feed, as for every other source.
      await deps.store.recordFeedError(feed.id, error.message);
      deps.log.warn({ feedId: feed.id, input, err: error.message }, "bad article input");
      throw new HttpError(422, error.message);
    }
    throw error;
  }
  return queueArticle(feed.id, input, article, raw, queue);
}

async function queueArticle(
  feedId: string,
  input: string,
  article: Article,
  raw: Buffer,
  queue: Queue<IngestJobData>,
): Promise<IngestAccepted> {
  const job: IngestJobData = { feedId, input, kind: "article", article };
  await queue.add("ingest", job, { jobId: rawJobId(feedId, raw) });
  return { accepted: true, feedId, articleId: article.id, jobId: rawJobId(feedId, raw) };
}

/** A post its flags unpublish (`published: false`, `draft: true`) read as retracted, when an earlier version of it is stored. */
async function withdrawnPost(
  error: NotPublishedError,
  raw: Buffer,
  input: string,
  options: { baseUrl: string | null; source: string | null },
  deps: IngestParsing,
): Promise<Article | null> {
  if (error.publishAt) return null;
  const article = await deps.untrusted
    .article({ kind: "post", raw, input, options: { ...options, withdrawnAsRetracted: true } })
    .catch(() => null);
  const stored = article ? await deps.store.getArticle(article.id) : null;
  return article && stored && !stored.article.retracted ? article : null;
}

/**
 * `DELETE /ingest/<feed id>/<article id>`, authenticated as a POST to the same feed: the article is
 * retracted where it was posted (jobs/pipeline/retract.ts). Only an article that came from that feed
 * can be retracted through it; any other id is 404, as an unknown one.
 */
export async function handleRetract(
  request: Request,
  feedIdFromPath: string,
  articleId: string,
  config: HeraldConfig,
  deps: IngestAuthDeps & { store: Store; deliverQueue: Queue<DeliverJobData>; log: Log },
): Promise<RetractOutcome> {
  const { feed } = await readAuthenticatedIngest(request, feedIdFromPath, config, deps);
  const stored = await deps.store.getArticle(articleId);
  if (!stored || stored.feedId !== feed.id) throw new HttpError(404, `feed ${feed.id} has no article '${articleId}'`);
  const outcome = await retractArticle(stored, { store: deps.store, config, deliverQueue: deps.deliverQueue });
  deps.log.info({ feedId: feed.id, ...outcome }, "article retracted by DELETE /ingest");
  return outcome;
}

/** The same body always gets the same job id, so a re-sent request never queues twice. */
const rawJobId = (feedId: string, raw: Buffer) =>
  `${feedId}.http.${createHash("sha256").update(raw).digest("hex").slice(0, 24)}`;

/**
 * A post not yet due is queued as it came, delayed until its publish time,
 * and parsed again then (the ingest job holds it back once more if it runs
 * early). A draft is not queued: the sender publishes it by sending it again.
 */
async function holdBack(
  error: NotPublishedError,
  feedId: string,
  input: string,
  contentType: string,
  raw: Buffer,
  queue: Queue<IngestJobData>,
  log: Log,
): Promise<IngestAccepted> {
  if (!error.publishAt) {
    log.info({ feedId, input, reason: error.reason }, "not published by its sender; skipped");
    return { accepted: false, feedId, skipped: error.reason };
  }
  const at = Date.parse(error.publishAt);
  const job: IngestJobData =
    contentType === "application/json"
      ? { feedId, input, kind: "fields", fields: parseJsonArticle(raw) }
      : { feedId, input, kind: "post", raw: raw.toString("utf8") };
  const jobId = `${rawJobId(feedId, raw)}@${at}`;
  await queue.add("ingest", job, { jobId, delay: Math.max(0, at - Date.now()) });
  log.info(
    { feedId, input, reason: error.reason, at: error.publishAt, jobId },
    "not yet published; queued for its publish time",
  );
  return { accepted: true, feedId, scheduledFor: error.publishAt, reason: error.reason, jobId };
}

function parseJsonArticle(raw: Buffer): ArticleFields {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, `body is not valid JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new HttpError(400, "body must be a JSON object (an article)");
  const v = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === "string" ? x : null);
  return {
    id: str(v.id),
    title: v.title,
    // `html` is read as HTML; `body`, `markdown` and `content` as Markdown (which may carry HTML).
    body: str(v.html) ?? str(v.body) ?? str(v.markdown) ?? str(v.content) ?? "",
    bodyFormat: str(v.html) !== null ? "html" : "markdown",
    url: str(v.url),
    date: v.date,
    categories: v.categories,
    tags: v.tags,
    excerpt: v.excerpt ?? v.summary ?? v.description,
    image: v.image,
    language: v.language,
    breaking: v.breaking,
    retracted: v.retracted === true || v.unpublished === true,
  };
}

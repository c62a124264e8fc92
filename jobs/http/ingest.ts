import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Queue } from "bullmq";
import type { HeraldConfig } from "../../config/schema.ts";
import { type Article, type ArticleFields, ArticleParseError } from "../../src/article/index.ts";
import type { Store } from "../../src/store/index.ts";
import type { Logger } from "../log.ts";
import type { IngestJobData } from "../queues.ts";
import type { UntrustedPool } from "../untrusted/pool.ts";
import { HttpError } from "./body.ts";
import { type IngestAuthDeps, readAuthenticatedIngest } from "./ingest-auth.ts";

/** Where the handler parses (a worker thread within the budget) and records input it had to refuse. */
export interface IngestParsing {
  untrusted: UntrustedPool;
  store: Pick<Store, "recordFeedError">;
  log: Logger;
}

export interface IngestAccepted {
  feedId: string;
  articleId: string;
  jobId: string;
}

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
  req: IncomingMessage,
  feedIdFromPath: string | null,
  config: HeraldConfig,
  queue: Queue<IngestJobData>,
  deps: IngestAuthDeps & IngestParsing,
): Promise<IngestAccepted> {
  const { feed, raw } = await readAuthenticatedIngest(req, feedIdFromPath, config, deps);

  const contentType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
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
      throw new HttpError(415, `unsupported content type '${contentType || "(none)"}': send text/markdown or application/json`);
    }
  } catch (error) {
    if (error instanceof ArticleParseError) {
      // Admins see a sender's broken (or over-budget) posts on the feed, as for every other source.
      deps.store.recordFeedError(feed.id, error.message);
      deps.log.warn({ feedId: feed.id, input, err: error.message }, "bad article input");
      throw new HttpError(422, error.message);
    }
    throw error;
  }
  const job: IngestJobData = { feedId: feed.id, input, kind: "article", article };
  const jobId = `${feed.id}.http.${createHash("sha256").update(raw).digest("hex").slice(0, 24)}`;
  await queue.add("ingest", job, { jobId });
  return { feedId: feed.id, articleId: article.id, jobId };
}

function parseJsonArticle(raw: Buffer): ArticleFields {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, `body is not valid JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new HttpError(400, "body must be a JSON object (an article)");
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
  };
}

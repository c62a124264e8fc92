import type pg from "pg";
import type { Article } from "../../article/types.ts";
import { articleContentHash } from "../content-hash.ts";
import type { ArticleStore, UpsertArticleResult } from "../contract.ts";
import { isForeignKeyViolation, StoreError } from "../errors.ts";
import { type ArticleRow, toStoredArticle } from "../rows.ts";
import { checkArticle, checkLimit, staleAgainst } from "../rules.ts";
import { nowIso } from "../time.ts";
import { batched, readCallKey } from "./batch.ts";
import { statement, transaction } from "./pool.ts";
import { searchColumnsOf } from "./search.ts";

const COLUMNS = "id, feed_id, version, content_hash, json, created_at, updated_at";
const IN_FEEDS =
  "EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = articles.id AND f.feed_id = ANY($2::text[]))";

const byId = statement<ArticleRow>("articles.by-id", `SELECT ${COLUMNS} FROM articles WHERE id = $1`);
const byIdForUpdate = statement<ArticleRow>(
  "articles.by-id-for-update",
  `SELECT ${COLUMNS} FROM articles WHERE id = $1 FOR UPDATE`,
);
const byUrl = statement<ArticleRow>(
  "articles.by-url",
  `SELECT ${COLUMNS} FROM articles WHERE url IN ($1, $2) ORDER BY updated_at DESC LIMIT 1`,
);
const byIdInFeeds = statement<ArticleRow>(
  "articles.by-id-in-feeds",
  `SELECT ${COLUMNS} FROM articles WHERE id = $1 AND ${IN_FEEDS}`,
);
const byUrlInFeeds = statement<ArticleRow>(
  "articles.by-url-in-feeds",
  `SELECT ${COLUMNS} FROM articles WHERE url IN ($1, $3) AND ${IN_FEEDS} ORDER BY updated_at DESC LIMIT 1`,
);
const earlierWithHash = statement<{ version: number }>(
  "articles.earlier-with-hash",
  "SELECT version FROM article_versions WHERE article_id = $1 AND content_hash = $2 ORDER BY version DESC LIMIT 1",
);
const latestVersionOf = statement<{ version: number }>(
  "articles.latest-version",
  "SELECT version FROM articles WHERE id = $1",
);
const latestVersionsOf = statement<{ id: string; version: number }>(
  "articles.latest-versions",
  "SELECT id, version FROM articles WHERE id = ANY($1::text[])",
);
const versionRow = statement<ArticleRow>(
  "articles.version",
  `SELECT a.id, a.feed_id, v.version, v.content_hash, v.json, v.created_at, a.updated_at
   FROM article_versions v JOIN articles a ON a.id = v.article_id WHERE v.article_id = $1 AND v.version = $2`,
);
// $1 id, $2 feed, $3 version, $4 hash, $5 url, $6 date, $7 json, $8 now, $9–$13 search columns.
const insertArticle = statement(
  "articles.insert",
  `INSERT INTO articles (id, feed_id, version, content_hash, url, date, json, created_at, updated_at,
     search_title, search_body, search_body_length, search_keys, search_title_keys)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13)`,
);
const updateArticle = statement(
  "articles.update",
  `UPDATE articles SET feed_id = coalesce($2, feed_id), version = $3, content_hash = $4, url = $5, date = $6, json = $7,
     updated_at = $8, search_title = $9, search_body = $10, search_body_length = $11, search_keys = $12, search_title_keys = $13
   WHERE id = $1`,
);
const setFeed = statement(
  "articles.set-feed",
  "UPDATE articles SET feed_id = $1 WHERE id = $2 AND feed_id IS DISTINCT FROM $1",
);
const insertVersion = statement(
  "articles.insert-version",
  "INSERT INTO article_versions (article_id, version, content_hash, json, created_at) VALUES ($1, $2, $3, $4, $5)",
);
const linkFeed = statement(
  "articles.link-feed",
  "INSERT INTO article_feeds (article_id, feed_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
);
const latest = statement<ArticleRow>(
  "articles.latest",
  `SELECT ${COLUMNS} FROM articles WHERE $1::text[] IS NULL OR id IN (SELECT article_id FROM article_feeds WHERE feed_id = ANY($1::text[]))
   ORDER BY coalesce(date, created_at) DESC, seq DESC LIMIT $2`,
);

/**
 * Key space of the transaction-level advisory locks that serialize writers
 * of one article id (with the id's hash as the second key): the first store
 * of an id has no row to lock with FOR UPDATE yet.
 */
const ARTICLE_LOCK_SPACE = 0x4172_7469; // "Arti"

export function createArticleStore(pool: pg.Pool): ArticleStore {
  // Every delivery job asks for its article's newest version (story mode): one round trip per batch.
  const latestVersions = batched<string, number | null>({
    many: async (ids) => {
      const versions = new Map((await latestVersionsOf.rows(pool, [ids])).map((row) => [row.id, row.version]));
      return ids.map((id) => versions.get(id) ?? null);
    },
    one: async (id) => (await latestVersionOf.first(pool, [id]))?.version ?? null,
    key: readCallKey,
  });
  async function upsert(client: pg.PoolClient, article: Article, feedId: string | null): Promise<UpsertArticleResult> {
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [ARTICLE_LOCK_SPACE, article.id]);
    const hash = articleContentHash(article);
    const existing = await byIdForUpdate.first(client, [article.id]);
    if (existing && existing.content_hash === hash) {
      if (feedId !== null) {
        await setFeed.run(client, [feedId, article.id]);
        await linkFeed.run(client, [article.id, feedId]);
      }
      return { version: existing.version, changed: false, isNew: false };
    }
    if (existing) {
      const replayOf = (await earlierWithHash.first(client, [article.id, hash]))?.version ?? null;
      const latestDate = (JSON.parse(existing.json) as Article).date;
      const stale = staleAgainst({ version: existing.version, date: latestDate }, article, replayOf);
      if (stale) return { version: existing.version, changed: false, isNew: false, stale };
    }
    const version = existing ? existing.version + 1 : 1;
    const now = nowIso();
    const json = JSON.stringify(article);
    const search = searchColumnsOf(article);
    const values = [article.id, feedId, version, hash, article.url, article.date, json, now, ...search];
    await (existing ? updateArticle : insertArticle).run(client, values);
    await insertVersion.run(client, [article.id, version, hash, json, now]);
    if (feedId !== null) await linkFeed.run(client, [article.id, feedId]);
    return { version, changed: existing !== null, isNew: existing === null };
  }

  return {
    async upsertArticle(article, feedId) {
      checkArticle(article);
      try {
        return await transaction(pool, (client) => upsert(client, article, feedId));
      } catch (error) {
        if (isForeignKeyViolation(error)) {
          throw new StoreError(`article ${article.id}: feed ${feedId} is not stored; upsertFeed it first`, {
            cause: error,
          });
        }
        throw error;
      }
    },
    getArticle: async (id) => toStoredArticle(await byId.first(pool, [id])),
    getArticleVersion: async (id, version) => toStoredArticle(await versionRow.first(pool, [id, version])),
    latestVersion: latestVersions,
    async latestArticles({ feedIds, limit }) {
      checkLimit("latestArticles", limit, 1000);
      if (feedIds !== undefined && feedIds.length === 0) return [];
      const rows = await latest.rows(pool, [feedIds ?? null, limit]);
      return rows.map((row) => toStoredArticle(row)!);
    },
    async findArticleByIdOrUrl(ref, options = {}) {
      const trimmed = ref.trim();
      if (trimmed === "") return null;
      const other = trimmed.endsWith("/") ? trimmed.slice(0, -1) : `${trimmed}/`;
      const { feedIds } = options;
      if (feedIds === undefined)
        return toStoredArticle((await byId.first(pool, [trimmed])) ?? (await byUrl.first(pool, [trimmed, other])));
      if (feedIds.length === 0) return null;
      return toStoredArticle(
        (await byIdInFeeds.first(pool, [trimmed, feedIds])) ??
          (await byUrlInFeeds.first(pool, [trimmed, feedIds, other])),
      );
    },
  };
}

import type Database from "better-sqlite3";
import type { Article } from "../../article/types.ts";
import { articleContentHash } from "../content-hash.ts";
import type { ArticleStore, StaleArticle, StoredArticle, Synchronous, UpsertArticleResult } from "../contract.ts";
import { isForeignKeyViolation, StoreError } from "../errors.ts";
import { nowIso } from "../time.ts";
import type { SearchIndexWriter } from "./search.ts";

interface ArticleRow {
  seq: number;
  id: string;
  feed_id: string | null;
  version: number;
  content_hash: string;
  json: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = "seq, id, feed_id, version, content_hash, json, created_at, updated_at";

export function createArticleStore(db: Database.Database, search: SearchIndexWriter): Synchronous<ArticleStore> {
  const byId = db.prepare<[string], ArticleRow>(`SELECT ${COLUMNS} FROM articles WHERE id = ?`);
  const byUrl = db.prepare<[string, string], ArticleRow>(
    `SELECT ${COLUMNS} FROM articles WHERE url IN (?, ?) ORDER BY updated_at DESC LIMIT 1`,
  );
  const inFeeds = "id IN (SELECT article_id FROM article_feeds WHERE feed_id IN (SELECT value FROM json_each(@feeds)))";
  const byIdInFeeds = db.prepare<{ id: string; feeds: string }, ArticleRow>(`SELECT ${COLUMNS} FROM articles WHERE id = @id AND ${inFeeds}`);
  const byUrlInFeeds = db.prepare<{ url: string; other: string; feeds: string }, ArticleRow>(
    `SELECT ${COLUMNS} FROM articles WHERE url IN (@url, @other) AND ${inFeeds} ORDER BY updated_at DESC LIMIT 1`,
  );
  const earlierWithHash = db.prepare<[string, string], { version: number }>(
    "SELECT version FROM article_versions WHERE article_id = ? AND content_hash = ? ORDER BY version DESC LIMIT 1",
  );
  const versionRow = db.prepare<[string, number], ArticleRow>(`
    SELECT a.seq, a.id, a.feed_id, v.version, v.content_hash, v.json, v.created_at, a.updated_at
    FROM article_versions v JOIN articles a ON a.id = v.article_id
    WHERE v.article_id = ? AND v.version = ?`);
  const insertArticle = db.prepare(`
    INSERT INTO articles (id, feed_id, version, content_hash, title, url, source, date, language, json, created_at, updated_at)
    VALUES (@id, @feedId, @version, @hash, @title, @url, @source, @date, @language, @json, @now, @now)`);
  const updateArticle = db.prepare(`
    UPDATE articles SET feed_id = coalesce(@feedId, feed_id), version = @version, content_hash = @hash, title = @title,
      url = @url, source = @source, date = @date, language = @language, json = @json, updated_at = @now
    WHERE id = @id`);
  const setFeed = db.prepare("UPDATE articles SET feed_id = ? WHERE id = ? AND feed_id IS NOT ?");
  const insertVersion = db.prepare(
    "INSERT INTO article_versions (article_id, version, content_hash, json, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  // The same post can arrive through several feeds (two sites, a feed and the ingest API): it belongs to each.
  const linkFeed = db.prepare("INSERT INTO article_feeds (article_id, feed_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
  const latest = db.prepare<{ feeds: string | null; limit: number }, ArticleRow>(`
    SELECT ${COLUMNS} FROM articles
    WHERE @feeds IS NULL OR id IN (SELECT article_id FROM article_feeds WHERE feed_id IN (SELECT value FROM json_each(@feeds)))
    ORDER BY coalesce(date, created_at) DESC, seq DESC LIMIT @limit`);

  const upsert = db.transaction((article: Article, feedId: string | null): UpsertArticleResult => {
    const hash = articleContentHash(article);
    const existing = byId.get(article.id);
    if (existing && existing.content_hash === hash) {
      if (feedId !== null) {
        setFeed.run(feedId, article.id, feedId);
        linkFeed.run(article.id, feedId);
      }
      return { version: existing.version, changed: false, isNew: false };
    }
    const stale = existing ? staleAgainst(existing, article, hash) : null;
    if (existing && stale) return { version: existing.version, changed: false, isNew: false, stale };
    const version = existing ? existing.version + 1 : 1;
    const now = nowIso();
    const json = JSON.stringify(article);
    const params = {
      id: article.id,
      feedId,
      version,
      hash,
      title: article.title,
      url: article.url,
      source: article.source,
      date: article.date,
      language: article.language,
      json,
      now,
    };
    let seq: number;
    if (existing) {
      updateArticle.run(params);
      seq = existing.seq;
    } else {
      seq = Number(insertArticle.run(params).lastInsertRowid);
    }
    insertVersion.run(article.id, version, hash, json, now);
    if (feedId !== null) linkFeed.run(article.id, feedId);
    search.put(seq, article);
    return { version, changed: existing !== undefined, isNew: existing === undefined };
  });

  /** Why `article` is not newer than the stored `latest`, or null when it is. */
  function staleAgainst(latest: ArticleRow, article: Article, hash: string): StaleArticle | null {
    const earlier = earlierWithHash.get(article.id, hash);
    if (earlier) return { kind: "replay", reason: `same content as version ${earlier.version}; the latest is version ${latest.version}` };
    const latestDate = (JSON.parse(latest.json) as Article).date;
    if (article.date !== null && latestDate !== null && Date.parse(article.date) < Date.parse(latestDate)) {
      return { kind: "older", reason: `dated ${article.date}, before version ${latest.version} dated ${latestDate}` };
    }
    return null;
  }

  return {
    upsertArticle(article, feedId) {
      checkArticle(article);
      try {
        // IMMEDIATE: it reads then writes; a deferred one fails at once (SQLITE_BUSY_SNAPSHOT) when another process wrote in between.
        return upsert.immediate(article, feedId);
      } catch (error) {
        if (isForeignKeyViolation(error)) {
          throw new StoreError(`article ${article.id}: feed ${feedId} is not stored; upsertFeed it first`, {
            cause: error,
          });
        }
        throw error;
      }
    },
    getArticle: (id) => toStored(byId.get(id)),
    getArticleVersion: (id, version) => toStored(versionRow.get(id, version)),
    latestArticles({ feedIds, limit }) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new StoreError(`latestArticles limit must be a whole number from 1 to 1000, got ${String(limit)}`);
      }
      if (feedIds !== undefined && feedIds.length === 0) return [];
      const feeds = feedIds === undefined ? null : JSON.stringify(feedIds);
      return latest.all({ feeds, limit }).map((row) => toStored(row)!);
    },
    findArticleByIdOrUrl(ref, options = {}) {
      const trimmed = ref.trim();
      if (trimmed === "") return null;
      const other = trimmed.endsWith("/") ? trimmed.slice(0, -1) : `${trimmed}/`;
      const { feedIds } = options;
      if (feedIds === undefined) return toStored(byId.get(trimmed) ?? byUrl.get(trimmed, other));
      if (feedIds.length === 0) return null;
      const feeds = JSON.stringify(feedIds);
      return toStored(byIdInFeeds.get({ id: trimmed, feeds }) ?? byUrlInFeeds.get({ url: trimmed, other, feeds }));
    },
  };
}

function toStored(row: ArticleRow | undefined): StoredArticle | null {
  if (!row) return null;
  return {
    article: JSON.parse(row.json) as Article,
    version: row.version,
    contentHash: row.content_hash,
    feedId: row.feed_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Rejects what would corrupt the index or the version history; the parser guarantees the rest. */
function checkArticle(article: Article): void {
  if (typeof article !== "object" || article === null) throw new StoreError("article must be an object");
  const what = `article ${typeof article.id === "string" ? JSON.stringify(article.id) : "(no id)"}`;
  if (typeof article.id !== "string" || article.id.trim() === "") throw new StoreError(`${what}: id must be a non-empty string`);
  if (typeof article.title !== "string") throw new StoreError(`${what}: title must be a string`);
  if (typeof article.text !== "string" || typeof article.excerpt !== "string") {
    throw new StoreError(`${what}: text and excerpt must be strings`);
  }
  if (article.date !== null && Number.isNaN(Date.parse(article.date))) {
    throw new StoreError(`${what}: date ${JSON.stringify(article.date)} is not an ISO 8601 instant`);
  }
  if (!Array.isArray(article.body) || !Array.isArray(article.tables)) {
    throw new StoreError(`${what}: body and tables must be arrays`);
  }
}

import type Database from "better-sqlite3";
import type { Article } from "../../article/types.ts";
import { articleContentHash } from "../content-hash.ts";
import type { ArticleStore, StaleArticle, Synchronous, UpsertArticleResult } from "../contract.ts";
import { isForeignKeyViolation, StoreError } from "../errors.ts";
import { type ArticleRow, toStoredArticle } from "../rows.ts";
import { checkArticle, checkLimit, staleAgainst } from "../rules.ts";
import { nowIso } from "../time.ts";
import type { SearchIndexWriter } from "./search.ts";

interface SqliteArticleRow extends ArticleRow {
  seq: number;
}

const COLUMNS = "seq, id, feed_id, version, content_hash, json, created_at, updated_at";

export function createArticleStore(db: Database.Database, search: SearchIndexWriter): Synchronous<ArticleStore> {
  const byId = db.prepare<[string], SqliteArticleRow>(`SELECT ${COLUMNS} FROM articles WHERE id = ?`);
  const byUrl = db.prepare<[string, string], SqliteArticleRow>(
    `SELECT ${COLUMNS} FROM articles WHERE url IN (?, ?) ORDER BY updated_at DESC LIMIT 1`,
  );
  const inFeeds = "id IN (SELECT article_id FROM article_feeds WHERE feed_id IN (SELECT value FROM json_each(@feeds)))";
  const byIdInFeeds = db.prepare<{ id: string; feeds: string }, SqliteArticleRow>(
    `SELECT ${COLUMNS} FROM articles WHERE id = @id AND ${inFeeds}`,
  );
  const byUrlInFeeds = db.prepare<{ url: string; other: string; feeds: string }, SqliteArticleRow>(
    `SELECT ${COLUMNS} FROM articles WHERE url IN (@url, @other) AND ${inFeeds} ORDER BY updated_at DESC LIMIT 1`,
  );
  const earlierWithHash = db.prepare<[string, string], { version: number }>(
    "SELECT version FROM article_versions WHERE article_id = ? AND content_hash = ? ORDER BY version DESC LIMIT 1",
  );
  const latestVersionOf = db.prepare<[string], { version: number }>("SELECT version FROM articles WHERE id = ?");
  const versionRow = db.prepare<[string, number], SqliteArticleRow>(`
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
  const latest = db.prepare<{ feeds: string | null; limit: number }, SqliteArticleRow>(`
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
    const stale = existing ? staleAgainstRow(existing, article, hash) : null;
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
  function staleAgainstRow(latest: SqliteArticleRow, article: Article, hash: string): StaleArticle | null {
    const replayOf = earlierWithHash.get(article.id, hash)?.version ?? null;
    return staleAgainst(
      { version: latest.version, date: (JSON.parse(latest.json) as Article).date },
      article,
      replayOf,
    );
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
    getArticle: (id) => toStoredArticle(byId.get(id)),
    getArticleVersion: (id, version) => toStoredArticle(versionRow.get(id, version)),
    latestVersion: (id) => latestVersionOf.get(id)?.version ?? null,
    latestArticles({ feedIds, limit }) {
      checkLimit("latestArticles", limit, 1000);
      if (feedIds !== undefined && feedIds.length === 0) return [];
      const feeds = feedIds === undefined ? null : JSON.stringify(feedIds);
      return latest.all({ feeds, limit }).map((row) => toStoredArticle(row)!);
    },
    findArticleByIdOrUrl(ref, options = {}) {
      const trimmed = ref.trim();
      if (trimmed === "") return null;
      const other = trimmed.endsWith("/") ? trimmed.slice(0, -1) : `${trimmed}/`;
      const { feedIds } = options;
      if (feedIds === undefined) return toStoredArticle(byId.get(trimmed) ?? byUrl.get(trimmed, other));
      if (feedIds.length === 0) return null;
      const feeds = JSON.stringify(feedIds);
      return toStoredArticle(
        byIdInFeeds.get({ id: trimmed, feeds }) ?? byUrlInFeeds.get({ url: trimmed, other, feeds }),
      );
    },
  };
}

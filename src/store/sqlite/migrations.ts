import type Database from "better-sqlite3";
import type { Article } from "../../article/types.ts";
import { StoreError } from "../errors.ts";
import { SearchIndexWriter } from "./search.ts";

/** One schema step. `version` is what `PRAGMA user_version` reads once it has run. */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

/**
 * Herald's schema, oldest first. Never edit a migration that has shipped:
 * add a new one with the next number. Timestamps are ISO 8601 UTC strings,
 * booleans 0/1, JSON columns hold objects written by JSON.stringify.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "feeds, destinations, articles, deliveries, seen items, cards",
    up: (db) =>
      db.exec(`
        CREATE TABLE feeds (
          id TEXT PRIMARY KEY,
          type TEXT NOT NULL,
          config TEXT NOT NULL CHECK (json_valid(config)),
          paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
          first_run_done_at TEXT,
          etag TEXT,
          last_modified TEXT,
          last_polled_at TEXT,
          last_error TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;

        -- Secrets never land here: configs are redacted before they are written.
        CREATE TABLE destinations (
          id TEXT PRIMARY KEY,
          type TEXT NOT NULL,
          config TEXT NOT NULL CHECK (json_valid(config)),
          flagged_reason TEXT,
          flagged_at TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE feed_destinations (
          feed_id TEXT NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
          destination_id TEXT NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
          PRIMARY KEY (feed_id, destination_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX feed_destinations_by_destination ON feed_destinations (destination_id);

        -- The latest version of each article; seq is the stable integer key the search index uses.
        CREATE TABLE articles (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          feed_id TEXT REFERENCES feeds (id) ON DELETE SET NULL,
          version INTEGER NOT NULL CHECK (version >= 1),
          content_hash TEXT NOT NULL,
          title TEXT NOT NULL,
          url TEXT,
          source TEXT,
          date TEXT,
          language TEXT NOT NULL,
          json TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX articles_by_url ON articles (url) WHERE url IS NOT NULL;
        CREATE INDEX articles_by_feed ON articles (feed_id);
        CREATE INDEX articles_newest ON articles (coalesce(date, created_at));

        -- Every version ever stored, so a delivery of version N can still be rendered after N+1 arrives.
        CREATE TABLE article_versions (
          article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
          version INTEGER NOT NULL,
          content_hash TEXT NOT NULL,
          json TEXT NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (article_id, version)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE deliveries (
          article_id TEXT NOT NULL,
          version INTEGER NOT NULL,
          destination_id TEXT NOT NULL REFERENCES destinations (id),
          state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          permanent_failure INTEGER NOT NULL DEFAULT 0 CHECK (permanent_failure IN (0, 1)),
          platform_message_id TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          delivered_at TEXT,
          PRIMARY KEY (article_id, version, destination_id),
          FOREIGN KEY (article_id, version) REFERENCES article_versions (article_id, version) ON DELETE CASCADE
        ) STRICT;
        CREATE INDEX deliveries_recent ON deliveries (updated_at);
        CREATE INDEX deliveries_by_state ON deliveries (state);
        CREATE INDEX deliveries_by_destination ON deliveries (destination_id, article_id);

        CREATE TABLE feed_items_seen (
          feed_id TEXT NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
          item_key TEXT NOT NULL,
          content_hash TEXT NOT NULL,
          first_seen_at TEXT NOT NULL,
          last_seen_at TEXT NOT NULL,
          PRIMARY KEY (feed_id, item_key)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE cards (
          key TEXT PRIMARY KEY,
          png BLOB NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
      `),
  },
  {
    version: 2,
    name: "full-text search (trigram + CJK bigram)",
    up: (db) => {
      db.exec(`
        CREATE VIRTUAL TABLE articles_search_trigram USING fts5 (
          title, body, tokenize = 'trigram remove_diacritics 1', content = '', contentless_delete = 1
        );
        CREATE VIRTUAL TABLE articles_search_bigram USING fts5 (
          title, body, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1
        );
      `);
      const writer = new SearchIndexWriter(db);
      for (const row of db.prepare<[], { seq: number; json: string }>("SELECT seq, json FROM articles").iterate()) {
        writer.put(row.seq, JSON.parse(row.json) as Article);
      }
    },
  },
  {
    version: 3,
    name: "articles belong to every feed that carried them",
    up: (db) =>
      db.exec(`
        CREATE TABLE article_feeds (
          article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
          feed_id TEXT NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
          PRIMARY KEY (feed_id, article_id)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO article_feeds (article_id, feed_id) SELECT id, feed_id FROM articles WHERE feed_id IS NOT NULL;
      `),
  },
  {
    version: 4,
    name: "delivery attempts (the last 20 per delivery)",
    up: (db) =>
      db.exec(`
        -- One row per send, for "why wasn't this delivered?"; seq orders attempts recorded in the same millisecond.
        CREATE TABLE delivery_attempts (
          seq INTEGER PRIMARY KEY,
          article_id TEXT NOT NULL,
          version INTEGER NOT NULL,
          destination_id TEXT NOT NULL,
          at TEXT NOT NULL,
          outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed', 'rate_limited', 'retrying')),
          status INTEGER,
          code TEXT,
          retry_after_ms INTEGER,
          message_id TEXT,
          error TEXT,
          FOREIGN KEY (article_id, version, destination_id)
            REFERENCES deliveries (article_id, version, destination_id) ON DELETE CASCADE
        ) STRICT;
        CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (article_id, version, destination_id, seq);
      `),
  },
  {
    version: 5,
    name: "health alerts, and failed polls in a row per feed",
    up: (db) =>
      db.exec(`
        -- One row per thing that can break; its state changes in single statements, so one process wins each transition.
        CREATE TABLE alerts (
          key TEXT PRIMARY KEY,
          state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
          reason TEXT NOT NULL,
          opened_at TEXT NOT NULL,
          last_notified_at TEXT NOT NULL,
          closed_at TEXT
        ) STRICT;
        ALTER TABLE feeds ADD COLUMN failed_polls INTEGER NOT NULL DEFAULT 0;
      `),
  },
];

/** The schema version this Herald writes. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/**
 * Brings the database at `path` up to the newest schema in `migrations`, each
 * step in its own transaction together with its `user_version` bump, so a
 * failed step leaves the database as it was before that step. A database
 * already up to date is left untouched.
 *
 * @throws StoreError when the database was written by a newer Herald, or a step fails.
 */
export function applyMigrations(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > latest) {
    throw new StoreError(
      `database ${path} has schema version ${current}, but this Herald only knows up to ${latest}: ` +
        "it was written by a newer Herald. Upgrade Herald, or point it at another database file.",
    );
  }
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    try {
      // IMMEDIATE takes the write lock first, and the version is read again under it, so two
      // processes opening a fresh file at once run each step exactly once.
      db.transaction(() => {
        if ((db.pragma("user_version", { simple: true }) as number) >= migration.version) return;
        migration.up(db);
        db.pragma(`user_version = ${Math.trunc(migration.version)}`);
      }).immediate();
    } catch (error) {
      throw new StoreError(
        `database ${path}: migration ${migration.version} (${migration.name}) failed and was rolled back: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
  }
}

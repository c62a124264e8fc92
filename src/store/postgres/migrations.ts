import type pg from "pg";
import { StoreError } from "../errors.ts";

/** One schema step; `version` is recorded in herald_schema_migrations once it has run. */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Herald's PostgreSQL schema, oldest first. Never edit a migration that has
 * shipped: add one with the next number. Timestamps are the same ISO 8601
 * UTC strings as the SQLite backend's, and every text column that is sorted
 * or compared (ids, timestamps) is COLLATE "C", so ordering is byte order
 * whatever the database's locale, exactly as in SQLite.
 *
 * Search: `search_title`/`search_body` hold the folded text (lower case, no
 * accents) for substring checks; `search_keys` (GIN-indexed) and
 * `search_title_keys` hold the keys search-keys.ts computes in TypeScript
 * (CJK characters and bigrams, short Latin words, Latin trigrams), so Korean
 * search does not depend on the database's locale or on any extension.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: "feeds, destinations, articles with search keys, versions, deliveries, seen items, cards",
    sql: `
      CREATE TABLE feeds (
        id text COLLATE "C" PRIMARY KEY,
        type text NOT NULL,
        config jsonb NOT NULL,
        paused boolean NOT NULL DEFAULT false,
        first_run_done_at text COLLATE "C",
        etag text,
        last_modified text,
        last_polled_at text COLLATE "C",
        last_error text,
        created_at text COLLATE "C" NOT NULL,
        updated_at text COLLATE "C" NOT NULL
      );

      -- Secrets never land here: configs are redacted before they are written.
      CREATE TABLE destinations (
        id text COLLATE "C" PRIMARY KEY,
        type text NOT NULL,
        config jsonb NOT NULL,
        flagged_reason text,
        flagged_at text COLLATE "C",
        created_at text COLLATE "C" NOT NULL,
        updated_at text COLLATE "C" NOT NULL
      );

      CREATE TABLE feed_destinations (
        feed_id text COLLATE "C" NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        destination_id text COLLATE "C" NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
        PRIMARY KEY (feed_id, destination_id)
      );
      CREATE INDEX feed_destinations_by_destination ON feed_destinations (destination_id);

      -- The latest version of each article. json is text, not jsonb: it is read back byte for byte
      -- and jsonb cannot hold a \\u0000 escape.
      CREATE TABLE articles (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text COLLATE "C" PRIMARY KEY,
        feed_id text COLLATE "C" REFERENCES feeds (id) ON DELETE SET NULL,
        version integer NOT NULL CHECK (version >= 1),
        content_hash text NOT NULL,
        url text COLLATE "C",
        date text COLLATE "C",
        json text NOT NULL,
        search_title text NOT NULL,
        search_body text NOT NULL,
        search_body_length integer NOT NULL,
        search_keys text[] NOT NULL,
        search_title_keys text[] NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        updated_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX articles_by_url ON articles (url) WHERE url IS NOT NULL;
      CREATE INDEX articles_by_feed ON articles (feed_id);
      CREATE INDEX articles_newest ON articles ((coalesce(date, created_at)), seq);
      CREATE INDEX articles_search ON articles USING gin (search_keys);

      -- The same post can arrive through several feeds: it belongs to each.
      CREATE TABLE article_feeds (
        article_id text COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        feed_id text COLLATE "C" NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        PRIMARY KEY (feed_id, article_id)
      );
      CREATE INDEX article_feeds_by_article ON article_feeds (article_id);

      -- Every version ever stored, so a delivery of version N can still be rendered after N+1 arrives.
      CREATE TABLE article_versions (
        article_id text COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        version integer NOT NULL,
        content_hash text NOT NULL,
        json text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (article_id, version)
      );
      CREATE INDEX article_versions_by_hash ON article_versions (article_id, content_hash);
      CREATE INDEX article_versions_by_created ON article_versions (created_at);

      -- seq stands in for SQLite's rowid: the tie-break between deliveries changed in the same millisecond.
      CREATE TABLE deliveries (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        article_id text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        destination_id text COLLATE "C" NOT NULL REFERENCES destinations (id),
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        permanent_failure boolean NOT NULL DEFAULT false,
        platform_message_id text,
        created_at text COLLATE "C" NOT NULL,
        updated_at text COLLATE "C" NOT NULL,
        delivered_at text COLLATE "C",
        PRIMARY KEY (article_id, version, destination_id),
        FOREIGN KEY (article_id, version) REFERENCES article_versions (article_id, version) ON DELETE CASCADE
      );
      CREATE INDEX deliveries_recent ON deliveries (updated_at, seq);
      CREATE INDEX deliveries_by_state ON deliveries (state);
      -- The recovery sweep's question (what is still pending or sending, oldest first), answered without
      -- reading the delivered millions.
      CREATE INDEX deliveries_unfinished ON deliveries (updated_at, seq) WHERE state IN ('pending', 'sending');
      CREATE INDEX deliveries_by_destination ON deliveries (destination_id, article_id);

      CREATE TABLE feed_items_seen (
        feed_id text COLLATE "C" NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        item_key text COLLATE "C" NOT NULL,
        content_hash text NOT NULL,
        first_seen_at text COLLATE "C" NOT NULL,
        last_seen_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (feed_id, item_key)
      );

      CREATE TABLE cards (
        key text COLLATE "C" PRIMARY KEY,
        png bytea NOT NULL,
        created_at text COLLATE "C" NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "delivery attempts (the last 20 per delivery)",
    sql: `
      -- One row per send, for "why wasn't this delivered?"; seq orders attempts recorded in the same millisecond.
      CREATE TABLE delivery_attempts (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        article_id text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        destination_id text COLLATE "C" NOT NULL,
        at text COLLATE "C" NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'rate_limited', 'retrying')),
        status integer,
        code text,
        retry_after_ms integer,
        message_id text,
        error text,
        FOREIGN KEY (article_id, version, destination_id)
          REFERENCES deliveries (article_id, version, destination_id) ON DELETE CASCADE
      );
      CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (article_id, version, destination_id, seq);
    `,
  },
  {
    version: 3,
    name: "health alerts, and failed polls in a row per feed",
    sql: `
      -- One row per thing that can break; its state changes in single statements, so one process wins each transition.
      CREATE TABLE alerts (
        key text COLLATE "C" PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('open', 'closed')),
        reason text NOT NULL,
        opened_at text COLLATE "C" NOT NULL,
        last_notified_at text COLLATE "C" NOT NULL,
        closed_at text COLLATE "C"
      );
      ALTER TABLE feeds ADD COLUMN failed_polls integer NOT NULL DEFAULT 0;
    `,
  },
];

/** The schema version this Herald writes to PostgreSQL. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/**
 * Key of the session advisory lock held while migrating: every Herald process
 * takes it before reading the schema version, so two starting at once
 * migrate one after the other and the second finds nothing to do.
 */
export const MIGRATION_LOCK_KEY = 0x4865_7261; // "Hera"

/**
 * Brings the database up to the newest schema in `migrations`, each step in
 * its own transaction together with its row in herald_schema_migrations, all
 * under {@link MIGRATION_LOCK_KEY} on one client.
 *
 * @throws StoreError when the database was migrated by a newer Herald, or a step fails (that step is rolled back).
 */
export async function applyPgMigrations(
  pool: pg.Pool,
  location: string,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<void> {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS herald_schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`);
      const { rows } = await client.query<{ current: number }>(
        "SELECT coalesce(max(version), 0) AS current FROM herald_schema_migrations",
      );
      const current = rows[0]?.current ?? 0;
      if (current > latest) {
        throw new StoreError(
          `database ${location} has schema version ${current}, but this Herald only knows up to ${latest}: ` +
            "it was migrated by a newer Herald. Upgrade Herald, or point it at another database.",
        );
      }
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (migration.version > current) await applyOne(client, location, migration);
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

async function applyOne(client: pg.PoolClient, location: string, migration: PgMigration): Promise<void> {
  try {
    await client.query("BEGIN");
    await client.query(migration.sql);
    await client.query("INSERT INTO herald_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
      migration.version,
      migration.name,
      new Date().toISOString(),
    ]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw new StoreError(
      `database ${location}: migration ${migration.version} (${migration.name}) failed and was rolled back: ${
        (error as Error).message
      }`,
      { cause: error },
    );
  }
}

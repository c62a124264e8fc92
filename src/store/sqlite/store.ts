import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { type ArticleStore, createArticleStore } from "./articles.ts";
import { type CardStore, createCardStore } from "./cards.ts";
import { createDeliveryStore, type DeliveryStore } from "./deliveries.ts";
import { createDestinationStore, type DestinationStore } from "./destinations.ts";
import { StoreError } from "./errors.ts";
import { createFeedStore, type FeedStore } from "./feeds.ts";
import { applyMigrations } from "./migrations.ts";
import { ArticleSearch, type SearchHit, SearchIndexWriter, type SearchOptions } from "./search/index.ts";

/**
 * How long a writer waits for another connection's lock before failing with SQLITE_BUSY.
 * better-sqlite3 is synchronous, so this wait blocks the event loop (BullMQ lock renewals,
 * HTTP): kept to a few seconds. Writes are short, so several processes on one host only
 * wait milliseconds in practice; a longer wait means something is wrong and should fail.
 */
const BUSY_TIMEOUT_MS = 3000;

/**
 * Herald's persistent state in one SQLite file: feeds, destinations,
 * articles with their versions, deliveries, seen feed items, cached cards,
 * and a full-text index that handles Korean. Synchronous (better-sqlite3);
 * one Store per process, closed on shutdown.
 */
export interface Store extends ArticleStore, DeliveryStore, FeedStore, DestinationStore, CardStore {
  /** The database file, or ":memory:". */
  readonly path: string;
  /**
   * Full-text search over titles and bodies; every term must match. Korean
   * works for 1-, 2- and 3+-syllable terms; Latin is case- and
   * accent-insensitive. The exact matching rules are on `parseSearchQuery` (search/query.ts).
   *
   * @example
   * store.searchArticles("애저 네트워킹", { feedIds: ["newsdao"], limit: 5 });
   * @throws SearchQueryError for an empty query, one over 200 characters, or one with nothing searchable.
   */
  searchArticles(query: string, options?: SearchOptions): SearchHit[];
  /** Runs `fn` in one transaction (nested calls become savepoints); rolls back if it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/**
 * Opens (creating if needed) the store at `path` and migrates it to the
 * current schema. Pragmas: WAL journal, synchronous NORMAL, foreign keys on,
 * busy timeout 3 s. Read-then-write transactions begin IMMEDIATE
 * so several processes can share the file (they wait for each other instead of failing).
 *
 * @example
 * const store = openStore("data/herald.db");
 * @throws StoreError when the file cannot be opened, is not a database, or was written by a newer Herald.
 */
export function openStore(path: string): Store {
  if (typeof path !== "string" || path === "") throw new StoreError("store path must be a non-empty string");
  const db = openDatabase(path);
  try {
    applyMigrations(db, path);
    const searchWriter = new SearchIndexWriter(db);
    const search = new ArticleSearch(db);
    return {
      path,
      ...createArticleStore(db, searchWriter),
      ...createDeliveryStore(db),
      ...createFeedStore(db),
      ...createDestinationStore(db),
      ...createCardStore(db),
      searchArticles: (query, options) => search.search(query, options),
      // IMMEDIATE: callers read then write; see BUSY_TIMEOUT_MS.
      transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

function openDatabase(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path);
    // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    // Reading the schema fails here, not on first use, when the file is not a database.
    db.prepare("SELECT count(*) FROM sqlite_schema").get();
    return db;
  } catch (error) {
    db?.close();
    throw new StoreError(`cannot open store ${path}: ${(error as Error).message}`, { cause: error });
  }
}

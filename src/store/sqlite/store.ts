import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type { FeedInput, FeedRecord, SearchOptions, Store } from "../contract.ts";
import { StoreError } from "../errors.ts";
import { createAlertStore } from "./alerts.ts";
import { createArticleStore } from "./articles.ts";
import { createAttemptStore } from "./attempts.ts";
import { LOCK_WAIT_BUDGET_MS, whenUnlocked } from "./busy.ts";
import { createCardStore } from "./cards.ts";
import { createDeliveryStore } from "./deliveries.ts";
import { createDestinationStore } from "./destinations.ts";
import { createFeedStore } from "./feeds.ts";
import { groupCommit, groupRead } from "./group-commit.ts";
import { applyMigrations } from "./migrations.ts";
import { ArticleSearch, SearchIndexWriter } from "./search.ts";

/**
 * How long a connection waits for another's lock inside SQLite while the store opens (switching to
 * WAL, migrating: once per process). This wait blocks the event loop, as better-sqlite3 is
 * synchronous; afterwards it is 0 and every store call waits from the event loop instead (./busy.ts).
 */
const OPEN_BUSY_TIMEOUT_MS = LOCK_WAIT_BUDGET_MS;

/**
 * Opens (creating if needed) the SQLite store at `path` and migrates it to
 * the current schema. Pragmas: WAL journal, synchronous NORMAL, foreign keys
 * on. Read-then-write transactions begin IMMEDIATE so several processes on
 * one host can share the file: they wait for each other (up to 3 s, from the
 * event loop) instead of failing. better-sqlite3 is synchronous: each async method does
 * its work at once and returns a settled promise, except the writes every delivery makes,
 * which share one transaction per turn of the event loop (./group-commit.ts).
 *
 * @throws StoreError when the file cannot be opened, is not a database, or was written by a newer Herald.
 */
export function openSqliteStore(path: string): Store {
  if (typeof path !== "string" || path === "") throw new StoreError("store path must be a non-empty string");
  const db = openDatabase(path);
  try {
    applyMigrations(db, path);
    // From here on a busy lock fails at once and the call is tried again from the event loop (./busy.ts).
    db.pragma("busy_timeout = 0");
    const searchWriter = new SearchIndexWriter(db);
    const search = new ArticleSearch(db);
    const feeds = createFeedStore(db);
    const sync = {
      ...createArticleStore(db, searchWriter),
      ...createDeliveryStore(db),
      ...createAttemptStore(db),
      ...feeds,
      ...createDestinationStore(db),
      ...createCardStore(db),
      ...createAlertStore(db),
      searchArticles: (query: string, options?: SearchOptions) => search.search(query, options),
    };
    const answer = db.prepare("SELECT 1");
    // IMMEDIATE: the check reads every feed, then writes.
    const createFeedUnless = db.transaction((feed: FeedInput, refuse: (feeds: FeedRecord[]) => unknown) => {
      const refusal = refuse(feeds.listFeeds());
      if (refusal === null) feeds.upsertFeed(feed);
      return refusal;
    });
    return {
      ...promisify(sync, { commit: groupCommit(db), read: groupRead(db) }),
      location: path,
      notices: [],
      ping: async () => void answer.get(),
      createFeedUnless: <R>(feed: FeedInput, refuse: (feeds: FeedRecord[]) => R | null) =>
        whenUnlocked(() => createFeedUnless.immediate(feed, refuse) as R | null),
      close: async () => void db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The writes each delivery makes, which deliveries running at once share transactions for (./group-commit.ts).
 * The rest are rare (an ingest, a command) or reads, which need no write lock.
 */
const GROUPED_WRITES = new Set<keyof Store>([
  "markSending",
  "markDelivered",
  "markFailed",
  "recordAttempt",
  "incrementAttempts",
  "reopenFailedDelivery",
  "recordDeliveryPending",
]);

/** The reads each delivery makes, which deliveries running at once share read transactions for. */
const GROUPED_READS = new Set<keyof Store>([
  "getDelivery",
  "latestVersion",
  "latestDelivered",
  "getArticleVersion",
  "getCard",
]);

type Group = <R>(work: () => R) => Promise<R>;

/**
 * The async face of synchronous methods: each runs at once (a grouped one: in the next shared
 * transaction), and again from the event loop while another process holds the write lock
 * (./busy.ts); any other throw becomes a rejected promise.
 */
function promisify<T extends Record<string, (...args: never[]) => unknown>>(
  methods: T,
  groups: { commit: Group; read: Group },
): { [K in keyof T]: (...args: Parameters<T[K]>) => Promise<ReturnType<T[K]>> } {
  const result: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods)) {
    const group = GROUPED_WRITES.has(name as keyof Store)
      ? groups.commit
      : GROUPED_READS.has(name as keyof Store)
        ? groups.read
        : null;
    result[name] = group
      ? (...args: never[]) => group(() => method(...args))
      : (...args: never[]) => whenUnlocked(() => method(...args));
  }
  return result as { [K in keyof T]: (...args: Parameters<T[K]>) => Promise<ReturnType<T[K]>> };
}

function openDatabase(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path);
    // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
    db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
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

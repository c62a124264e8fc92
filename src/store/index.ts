/**
 * Herald's store: open it with {@link openStore}. The contract (src/store/contract.ts)
 * is the same whichever backend the config picks.
 */
import type { Store } from "./contract.ts";
import { StoreError } from "./errors.ts";
import { openPostgresStore } from "./postgres/index.ts";
import { openSqliteStore } from "./sqlite/store.ts";

export { articleContentHash, stableJson } from "./content-hash.ts";
export type {
  AlertRecord,
  AlertState,
  AlertStore,
  AlertTransition,
  ArticleStore,
  ArticleSummary,
  AttemptOutcome,
  CardStore,
  Delivery,
  DeliveryAttempt,
  DeliveryAttemptInput,
  DeliveryAttemptStore,
  DeliveryCursor,
  DeliveryState,
  DeliveryStore,
  DestinationInput,
  DestinationRecord,
  DestinationStore,
  FeedHttpCache,
  FeedInput,
  FeedRecord,
  FeedStore,
  LatestArticlesOptions,
  SearchHit,
  SearchOptions,
  Store,
  StoredArticle,
  UpsertArticleResult,
} from "./contract.ts";
export { MAX_ATTEMPTS_KEPT } from "./contract.ts";
export { SearchQueryError, StoreError } from "./errors.ts";
export { MAX_QUERY_LENGTH, parseSearchQuery } from "./search/query.ts";
export { SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from "./sqlite/migrations.ts";

/** Where the store lives: a SQLite file (one host) or a PostgreSQL database (a fleet). */
export type StoreLocation = { path: string; url?: undefined } | { url: string; path?: undefined };

/**
 * Opens the store and migrates its schema: `{ url: "postgres://…" }` for the
 * shared PostgreSQL store, `{ path }` for the embedded SQLite file.
 *
 * @example
 * const store = await openStore({ path: "data/herald.db" });
 * const shared = await openStore({ url: "postgres://herald@db:5432/herald" });
 * @throws StoreError when the database cannot be opened or reached, or was migrated by a newer Herald.
 */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (location.url !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(location.url)) {
      throw new StoreError("database.url must be a postgres:// or postgresql:// URL");
    }
    return openPostgresStore(location.url);
  }
  return openSqliteWhenFree(location.path);
}

/**
 * Processes starting together on one host race for a new file's first write lock (switching it
 * to WAL, migrating): SQLite can answer "database is locked" at once there, whatever the busy
 * timeout, to the loser of a lock upgrade. Opening is a start-up step, so it waits and tries again.
 */
async function openSqliteWhenFree(path: string, tries = 20): Promise<Store> {
  for (let attempt = 1; ; attempt++) {
    try {
      return openSqliteStore(path);
    } catch (error) {
      const busy =
        error instanceof Error &&
        (/database is locked|SQLITE_BUSY/i.test(error.message) || (error as { code?: unknown }).code === "SQLITE_BUSY");
      if (!busy || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
  }
}

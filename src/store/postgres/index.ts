import type { Store } from "../contract.ts";
import { createAlertStore } from "./alerts.ts";
import { createArticleStore } from "./articles.ts";
import { createAttemptStore } from "./attempts.ts";
import { createCardStore } from "./cards.ts";
import { createDeliveryStore } from "./deliveries.ts";
import { createDestinationStore } from "./destinations.ts";
import { createFeedStore } from "./feeds.ts";
import { localeNotices } from "./locale.ts";
import { applyPgMigrations } from "./migrations.ts";
import { connectionError, createPool, describeUrl, type PoolOptions } from "./pool.ts";
import { createSearch } from "./search.ts";

/**
 * Opens the shared PostgreSQL store at `url` (postgres://user:password@host:5432/database):
 * connects, migrates the schema under an advisory lock (several processes
 * may start at once), and looks at the database's locale for `notices`.
 * Every process and host that opens the same database shares one store;
 * read-then-write steps are transactions with row or advisory locks.
 *
 * @example
 * const store = await openPostgresStore("postgres://herald@db.internal:5432/herald");
 * for (const notice of store.notices) log.warn(notice);
 * @throws StoreError naming the server and database (never the password) when it cannot connect,
 *   or when the database was migrated by a newer Herald.
 */
export async function openPostgresStore(url: string, options: PoolOptions = {}): Promise<Store> {
  const where = describeUrl(url);
  const notices = await prepareDatabase(url, where);
  const pool = createPool(url, options);
  try {
    let closed: Promise<void> | undefined;
    return {
      ...createArticleStore(pool),
      ...createDeliveryStore(pool),
      ...createAttemptStore(pool),
      ...createFeedStore(pool),
      ...createDestinationStore(pool),
      ...createCardStore(pool),
      ...createAlertStore(pool),
      searchArticles: createSearch(pool),
      location: where.location,
      notices,
      ping: async () => void (await pool.query("SELECT 1")),
      // Idempotent, like closing a SQLite handle: a second close waits for the first.
      close: () => (closed ??= pool.end()),
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Connects, migrates and reads the locale on a connection of its own, without the store's query
 * timeout: waiting for another process's migration, or a migration of a big table, may take long.
 */
async function prepareDatabase(url: string, where: ReturnType<typeof describeUrl>): Promise<string[]> {
  const setup = createPool(url, { size: 1, queryTimeoutMs: 0 });
  try {
    try {
      await setup.query("SELECT 1");
    } catch (error) {
      throw connectionError(error, where);
    }
    await applyPgMigrations(setup, where.location);
    return await localeNotices(setup, where.database);
  } finally {
    await setup.end().catch(() => undefined);
  }
}

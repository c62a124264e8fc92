import type pg from "pg";
import type { FeedInput, FeedRecord, FeedStore } from "../contract.ts";
import { isForeignKeyViolation, StoreError } from "../errors.ts";
import { redactConfig } from "../redact.ts";
import { type FeedRow, toFeed } from "../rows.ts";
import { feedErrorText } from "../rules.ts";
import { nowIso } from "../time.ts";
import { type Queryable, statement, transaction } from "./pool.ts";

const SELECT_FEED = `
  SELECT f.*, coalesce((SELECT array_agg(d.destination_id ORDER BY d.destination_id) FROM feed_destinations d
    WHERE d.feed_id = f.id), '{}') AS destination_ids
  FROM feeds f`;

const get = statement<FeedRow>("feeds.get", `${SELECT_FEED} WHERE f.id = $1`);
const all = statement<FeedRow>("feeds.all", `${SELECT_FEED} ORDER BY f.id`);
const forDestination = statement<FeedRow>(
  "feeds.for-destination",
  `${SELECT_FEED} WHERE f.id IN (SELECT feed_id FROM feed_destinations WHERE destination_id = $1) ORDER BY f.id`,
);
const upsert = statement(
  "feeds.upsert",
  `INSERT INTO feeds (id, type, config, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
   ON CONFLICT (id) DO UPDATE SET type = excluded.type, config = excluded.config, updated_at = excluded.updated_at`,
);
const clearLinks = statement("feeds.clear-links", "DELETE FROM feed_destinations WHERE feed_id = $1");
const firstMissingDestination = statement<{ id: string }>(
  "feeds.first-missing-destination",
  `SELECT u.id FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n)
   WHERE NOT EXISTS (SELECT 1 FROM destinations d WHERE d.id = u.id) ORDER BY u.n LIMIT 1`,
);
const link = statement(
  "feeds.link",
  "INSERT INTO feed_destinations (feed_id, destination_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
);
const setPaused = statement("feeds.set-paused", "UPDATE feeds SET paused = $2, updated_at = $3 WHERE id = $1");
const remove = statement("feeds.remove", "DELETE FROM feeds WHERE id = $1");
const firstRunDone = statement(
  "feeds.first-run-done",
  "UPDATE feeds SET first_run_done_at = coalesce(first_run_done_at, $2), updated_at = $2 WHERE id = $1",
);
const saveCache = statement(
  "feeds.save-cache",
  "UPDATE feeds SET etag = $2, last_modified = $3, updated_at = $4 WHERE id = $1",
);
const saveError = statement<{ failed_polls: number }>(
  "feeds.save-error",
  `UPDATE feeds SET last_error = $2, last_polled_at = $3, updated_at = $3,
     failed_polls = CASE WHEN $2::text IS NULL THEN 0 ELSE failed_polls + 1 END
   WHERE id = $1 RETURNING failed_polls`,
);
const seen = statement(
  "feeds.seen",
  `INSERT INTO feed_items_seen (feed_id, item_key, content_hash, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)
   ON CONFLICT (feed_id, item_key) DO UPDATE SET content_hash = excluded.content_hash, last_seen_at = excluded.last_seen_at`,
);
const itemHash = statement<{ content_hash: string }>(
  "feeds.item-hash",
  "SELECT content_hash FROM feed_items_seen WHERE feed_id = $1 AND item_key = $2",
);
// SHARE ROW EXCLUSIVE conflicts with itself and with every other writer of feeds (not with readers or with
// foreign key checks): two createFeedUnless calls, on any host, run one after the other.
const lockFeeds = statement("feeds.lock", "LOCK TABLE feeds IN SHARE ROW EXCLUSIVE MODE");

export function checkFeedInput(feed: FeedInput): void {
  if (typeof feed.id !== "string" || feed.id.trim() === "") throw new StoreError("feed id must be a non-empty string");
  if (typeof feed.type !== "string" || feed.type === "") throw new StoreError(`feed ${feed.id}: type is required`);
}

/** Creates or updates `feed` and its destination links on `client`, inside the caller's transaction. */
async function writeFeed(client: pg.PoolClient, feed: FeedInput): Promise<FeedRecord> {
  const config = redactConfig(feed.config, { redactUrls: false });
  await upsert.run(client, [feed.id, feed.type, JSON.stringify(config), nowIso()]);
  await clearLinks.run(client, [feed.id]);
  const missing = await firstMissingDestination.first(client, [feed.destinationIds]);
  if (missing)
    throw new StoreError(`feed ${feed.id}: destination ${missing.id} is not stored; upsertDestination it first`);
  await link.run(client, [feed.id, feed.destinationIds]);
  return toFeed((await get.first(client, [feed.id]))!);
}

const listOn = async (db: Queryable) => (await all.rows(db, [])).map(toFeed);

export function createFeedStore(pool: pg.Pool): FeedStore & {
  createFeedUnless<R>(feed: FeedInput, refuse: (feeds: FeedRecord[]) => R | null): Promise<R | null>;
} {
  /** Runs an UPDATE keyed by feed id and fails clearly when no such feed exists. */
  const updateFeed = async (id: string, changes: Promise<number>) => {
    if ((await changes) === 0) throw new StoreError(`feed ${id} is not stored`);
  };

  return {
    async upsertFeed(feed) {
      checkFeedInput(feed);
      return transaction(pool, (client) => writeFeed(client, feed));
    },
    async getFeed(id) {
      const row = await get.first(pool, [id]);
      return row ? toFeed(row) : null;
    },
    listFeeds: async (options = {}) =>
      options.destinationId === undefined
        ? listOn(pool)
        : (await forDestination.rows(pool, [options.destinationId])).map(toFeed),
    setFeedPaused: (id, paused) => updateFeed(id, setPaused.run(pool, [id, paused, nowIso()])),
    removeFeed: async (id) => (await remove.run(pool, [id])) > 0,
    markFirstRunDone: (feedId) => updateFeed(feedId, firstRunDone.run(pool, [feedId, nowIso()])),
    isFirstRunDone: async (feedId) => (await get.first(pool, [feedId]))?.first_run_done_at != null,
    saveFeedHttpCache: (feedId, cache) =>
      updateFeed(feedId, saveCache.run(pool, [feedId, cache.etag, cache.lastModified, nowIso()])),
    async recordFeedError(feedId, error) {
      const row = await saveError.first(pool, [feedId, feedErrorText(error), nowIso()]);
      if (!row) throw new StoreError(`feed ${feedId} is not stored`);
      return row.failed_polls;
    },
    async markItemSeen(feedId, key, hash) {
      try {
        await seen.run(pool, [feedId, key, hash, nowIso()]);
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        throw new StoreError(`feed ${feedId} is not stored; cannot mark item ${key} as seen`, { cause: error });
      }
    },
    getItemHash: async (feedId, key) => (await itemHash.first(pool, [feedId, key]))?.content_hash ?? null,
    async createFeedUnless(feed, refuse) {
      checkFeedInput(feed);
      return transaction(pool, async (client) => {
        await lockFeeds.run(client, []);
        const refusal = refuse(await listOn(client));
        if (refusal === null) await writeFeed(client, feed);
        return refusal;
      });
    },
  };
}

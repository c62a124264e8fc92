import type Database from "better-sqlite3";
import type { FeedInput, FeedStore, Synchronous } from "../contract.ts";
import { isForeignKeyViolation, StoreError } from "../errors.ts";
import { redactConfig } from "../redact.ts";
import { type FeedRow, toFeed } from "../rows.ts";
import { feedErrorText } from "../rules.ts";
import { nowIso } from "../time.ts";

const SELECT_FEED = `
  SELECT f.*, (SELECT json_group_array(destination_id) FROM
    (SELECT destination_id FROM feed_destinations d WHERE d.feed_id = f.id ORDER BY destination_id)) AS destination_ids
  FROM feeds f`;

export function createFeedStore(db: Database.Database): Synchronous<FeedStore> {
  const get = db.prepare<[string], FeedRow>(`${SELECT_FEED} WHERE f.id = ?`);
  const all = db.prepare<[], FeedRow>(`${SELECT_FEED} ORDER BY f.id`);
  const forDestination = db.prepare<[string], FeedRow>(
    `${SELECT_FEED} WHERE f.id IN (SELECT feed_id FROM feed_destinations WHERE destination_id = ?) ORDER BY f.id`,
  );
  const upsert = db.prepare(`
    INSERT INTO feeds (id, type, config, created_at, updated_at) VALUES (@id, @type, @config, @now, @now)
    ON CONFLICT (id) DO UPDATE SET type = excluded.type, config = excluded.config, updated_at = excluded.updated_at`);
  const clearLinks = db.prepare("DELETE FROM feed_destinations WHERE feed_id = ?");
  const link = db.prepare(
    "INSERT INTO feed_destinations (feed_id, destination_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
  );
  const setPaused = db.prepare("UPDATE feeds SET paused = ?, updated_at = ? WHERE id = ?");
  const remove = db.prepare("DELETE FROM feeds WHERE id = ?");
  const firstRunDone = db.prepare(
    "UPDATE feeds SET first_run_done_at = coalesce(first_run_done_at, @now), updated_at = @now WHERE id = @id",
  );
  const saveCache = db.prepare(
    "UPDATE feeds SET etag = @etag, last_modified = @lastModified, updated_at = @now WHERE id = @id",
  );
  const saveError = db.prepare<{ id: string; error: string | null; now: string }, { failed_polls: number }>(`
    UPDATE feeds SET last_error = @error, last_polled_at = @now, updated_at = @now,
      failed_polls = CASE WHEN @error IS NULL THEN 0 ELSE failed_polls + 1 END
    WHERE id = @id RETURNING failed_polls`);
  const seen = db.prepare(`
    INSERT INTO feed_items_seen (feed_id, item_key, content_hash, first_seen_at, last_seen_at) VALUES (@feedId, @key, @hash, @now, @now)
    ON CONFLICT (feed_id, item_key) DO UPDATE SET content_hash = excluded.content_hash, last_seen_at = excluded.last_seen_at`);
  const itemHash = db.prepare<[string, string], { content_hash: string }>(
    "SELECT content_hash FROM feed_items_seen WHERE feed_id = ? AND item_key = ?",
  );

  const upsertFeed = db.transaction((feed: FeedInput) => {
    upsert.run({
      id: feed.id,
      type: feed.type,
      config: JSON.stringify(redactConfig(feed.config, { redactUrls: false })),
      now: nowIso(),
    });
    clearLinks.run(feed.id);
    for (const destinationId of feed.destinationIds) {
      try {
        link.run(feed.id, destinationId);
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        throw new StoreError(
          `feed ${feed.id}: destination ${destinationId} is not stored; upsertDestination it first`,
          {
            cause: error,
          },
        );
      }
    }
    return toFeed(get.get(feed.id)!);
  });

  /** Runs an UPDATE keyed by feed id and fails clearly when no such feed exists. */
  const updateFeed = (id: string, run: () => Database.RunResult) => {
    if (run().changes === 0) throw new StoreError(`feed ${id} is not stored`);
  };

  return {
    upsertFeed(feed) {
      if (typeof feed.id !== "string" || feed.id.trim() === "")
        throw new StoreError("feed id must be a non-empty string");
      if (typeof feed.type !== "string" || feed.type === "") throw new StoreError(`feed ${feed.id}: type is required`);
      // IMMEDIATE: takes the write lock up front so another process's writer makes it wait, not fail.
      return upsertFeed.immediate(feed);
    },
    getFeed: (id) => {
      const row = get.get(id);
      return row ? toFeed(row) : null;
    },
    listFeeds: (options = {}) =>
      (options.destinationId === undefined ? all.all() : forDestination.all(options.destinationId)).map(toFeed),
    setFeedPaused: (id, paused) => updateFeed(id, () => setPaused.run(paused ? 1 : 0, nowIso(), id)),
    removeFeed: (id) => remove.run(id).changes > 0,
    markFirstRunDone: (feedId) => updateFeed(feedId, () => firstRunDone.run({ id: feedId, now: nowIso() })),
    isFirstRunDone: (feedId) => get.get(feedId)?.first_run_done_at != null,
    saveFeedHttpCache: (feedId, cache) =>
      updateFeed(feedId, () =>
        saveCache.run({ id: feedId, etag: cache.etag, lastModified: cache.lastModified, now: nowIso() }),
      ),
    recordFeedError(feedId, error) {
      const row = saveError.get({ id: feedId, error: feedErrorText(error), now: nowIso() });
      if (!row) throw new StoreError(`feed ${feedId} is not stored`);
      return row.failed_polls;
    },
    markItemSeen(feedId, key, hash) {
      try {
        seen.run({ feedId, key, hash, now: nowIso() });
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        throw new StoreError(`feed ${feedId} is not stored; cannot mark item ${key} as seen`, { cause: error });
      }
    },
    getItemHash: (feedId, key) => itemHash.get(feedId, key)?.content_hash ?? null,
  };
}

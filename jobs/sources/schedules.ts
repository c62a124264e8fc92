import type { Runtime } from "../runtime.ts";

/** The feeds each runtime has scheduled, so a later call can tell a feed this process saw removed from one it never knew. */
const scheduledBy = new WeakMap<Runtime, Set<string>>();

const DEFAULT_INTERVAL_MS = 5 * 60_000;

/**
 * One BullMQ job scheduler per RSS feed in the store (config feeds are synced into it at start;
 * feeds added from chat live only there). A missing scheduler is created (at start, after a
 * Redis that lost its data, after someone deleted it) and one whose interval changed is
 * replaced; an existing one is left alone, so reconciling does not trigger extra polls.
 * Schedulers are shared by every process on the Redis, and another process may know feeds
 * this one does not: a scheduler is removed only for a feed the store says is paused, or one
 * this process scheduled before and the store no longer has (removed from chat) — never
 * merely because this store does not know it.
 */
export async function reconcileFeedSchedules(runtime: Runtime): Promise<void> {
  // The store calls are awaited already: main's store is becoming async.
  const { config, pollQueue, store } = runtime;
  const pausedInConfig = new Set(config.feeds.filter((f) => f.paused).map((f) => f.id));
  const before = scheduledBy.get(runtime) ?? new Set<string>();
  const existing = new Map((await pollQueue.getJobSchedulers()).map((s) => [s.key, s]));
  const now = new Set<string>();
  const stop = new Set<string>();
  for (const feed of (await store.listFeeds()).filter((f) => f.type === "rss")) {
    // A feed that came from the config file (chat-added ones carry `addedBy`) and is no longer in it was removed by the admin.
    const droppedFromConfig = feed.config.addedBy === undefined && !config.feeds.some((f) => f.id === feed.id);
    if (feed.paused || pausedInConfig.has(feed.id) || droppedFromConfig) {
      stop.add(feed.id);
      continue;
    }
    now.add(feed.id);
    const every = typeof feed.config.interval === "number" ? feed.config.interval : DEFAULT_INTERVAL_MS;
    if (Number(existing.get(feed.id)?.every) === every) continue;
    await pollQueue.upsertJobScheduler(
      feed.id,
      { every, immediately: true },
      { name: "poll", data: { feedId: feed.id } },
    );
  }
  for (const id of before) if (!now.has(id) && !(await store.getFeed(id))) stop.add(id);
  scheduledBy.set(runtime, now);
  for (const id of stop) if (existing.has(id)) await pollQueue.removeJobScheduler(id);
}

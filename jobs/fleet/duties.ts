/** The duties `herald start` runs under fleet leases, besides the bots' connections (jobs/bots.ts). */
import type { Runtime } from "../runtime.ts";
import { type DirectoryFeed, DirectoryWatcher } from "../sources/directory.ts";
import { reconcileFeedSchedules } from "../sources/schedules.ts";
import type { DutySpec } from "./duty.ts";
import { directoryFeedDuty, FEED_SCHEDULES_DUTY } from "./names.ts";

/** Often enough that a Redis that lost its data polls its feeds again within a minute. */
export const RECONCILE_SCHEDULES_EVERY_MS = 30_000;

/** Watching one folder: two watchers would each queue every new post. */
export function directoryFeedDutySpec(feed: DirectoryFeed, runtime: Runtime): DutySpec {
  let watcher: DirectoryWatcher | null = null;
  return {
    name: directoryFeedDuty(feed.id),
    async start() {
      // Start rescans the folder, so a post dropped while no process watched it still goes out.
      const starting = new DirectoryWatcher(feed, runtime.store, runtime.ingestQueue, runtime.log);
      watcher = starting;
      await starting.start();
    },
    async stop() {
      await watcher?.stop();
      watcher = null;
    },
  };
}

/** Keeping every RSS feed's job scheduler in Redis, on taking the duty and then periodically. */
export function feedSchedulesDutySpec(runtime: Runtime): DutySpec {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const reconcile = () => {
    running = reconcileFeedSchedules(runtime).catch((error: Error) =>
      runtime.log.warn({ err: error.message }, "reconciling feed schedules failed; retrying later"),
    );
  };
  return {
    name: FEED_SCHEDULES_DUTY,
    async start() {
      await reconcileFeedSchedules(runtime);
      timer = setInterval(reconcile, RECONCILE_SCHEDULES_EVERY_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

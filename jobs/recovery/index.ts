import type { Runtime } from "../runtime.ts";
import { EpochWatch, type RecoveryCause } from "./epoch.ts";
import { checkRedisPersistence } from "./persistence.ts";
import { requeueOrphanedDeliveries } from "./requeue.ts";
import { claimSweep } from "./sweep.ts";

/** How often every process looks for Herald's epoch marker (and at once after each reconnect). */
export const EPOCH_CHECK_MS = 5000;

export interface Recovery {
  epoch: EpochWatch;
  /** Runs one sweep now if no process swept in the last interval; resolves when done. */
  sweep(): Promise<void>;
  stop(): void;
}

/**
 * Self-healing after Redis loses its data, in every long-running process:
 * warns once when Redis has no persistence; watches the epoch marker (every
 * few seconds and on each reconnect) and, in the one process that notices
 * first, re-queues unfinished deliveries and re-creates the schedules
 * (`reschedule`); and sweeps, one process per `delivery.sweepInterval`, for
 * pending/sending deliveries unchanged that long whose job is gone, whatever
 * the cause. The first epoch check is done before this resolves.
 */
export async function startRecovery(runtime: Runtime, reschedule: () => Promise<void>): Promise<Recovery> {
  const { config, connection: redis, log, store, deliverQueue } = runtime;
  const prefix = config.redis.prefix;
  void checkRedisPersistence(redis, log);

  const recover = async (cause: RecoveryCause) => {
    const { unfinished, requeued } = await requeueOrphanedDeliveries(store, deliverQueue);
    if (cause === "no-marker-at-start") {
      // Schedules are this process's own start-up work (herald start creates them; workers have none to keep).
      log[requeued ? "warn" : "info"](
        { unfinished, requeued },
        `started on a Redis without Herald's marker: ${requeued} deliveries re-queued`,
      );
      return;
    }
    await reschedule();
    log.warn(
      { unfinished, requeued },
      `recovered from Redis losing its data: ${requeued} deliveries re-queued, schedules re-created`,
    );
  };
  const epoch = new EpochWatch({ redis, prefix, log, recover });

  const everyMs = config.delivery.sweepInterval;
  let sweeping: Promise<void> | null = null;
  const sweepOnce = async () => {
    if (!(await claimSweep({ redis, prefix, everyMs }))) return;
    // A delivery changed within the last interval may still be on its way into the queue (a fan-out in progress).
    const updatedBefore = new Date(Date.now() - everyMs).toISOString();
    const { unfinished, requeued } = await requeueOrphanedDeliveries(store, deliverQueue, { updatedBefore });
    if (requeued)
      log.warn({ unfinished, requeued }, `sweep: ${requeued} pending/sending deliveries had no job; re-queued`);
    else log.debug({ unfinished }, "sweep: every unfinished delivery has its job");
  };
  const sweep = () => {
    sweeping ??= sweepOnce()
      .catch((error: Error) => log.warn({ err: error.message }, "delivery sweep failed; trying again next interval"))
      .finally(() => {
        sweeping = null;
      });
    return sweeping;
  };

  const onReady = () => void epoch.check();
  redis.on("ready", onReady);
  const epochTimer = setInterval(() => void epoch.check(), EPOCH_CHECK_MS).unref();
  const sweepTimer = setInterval(() => void sweep(), everyMs).unref();
  await epoch.check();

  return {
    epoch,
    sweep,
    stop() {
      redis.off("ready", onReady);
      clearInterval(epochTimer);
      clearInterval(sweepTimer);
    },
  };
}

import type { Job, Worker } from "bullmq";

/** Says whether this worker still holds `job` (extending its lock if so). */
export type LockCheck = (job: Job, token: string) => Promise<boolean>;

/**
 * Confirms that this worker still holds a job's lock, right before a send, for every job that asks
 * in the same turn of the event loop in one Redis call: BullMQ's `extendLocks` script, the one its
 * own lock renewal runs (same check of the token, same new expiry). A fan-out runs a hundred sends at
 * once, and one `extendLock` call per send was a script run and a socket write each.
 *
 * A call that fails (Redis unreachable) rejects every check of its batch, as each call alone would have.
 */
export function batchedLockCheck(worker: () => Pick<Worker, "extendJobLocks">, durationMs: number): LockCheck {
  let waiting: { id: string; token: string; settle: (held: boolean) => void; fail: (error: unknown) => void }[] = [];

  const flush = async () => {
    const batch = waiting;
    waiting = [];
    try {
      const lost = new Set(
        await worker().extendJobLocks(
          batch.map((call) => call.id),
          batch.map((call) => call.token),
          durationMs,
        ),
      );
      for (const call of batch) call.settle(!lost.has(call.id));
    } catch (error) {
      for (const call of batch) call.fail(error);
    }
  };

  return (job, token) =>
    new Promise<boolean>((settle, fail) => {
      if (!job.id) {
        settle(false);
        return;
      }
      // Not at once: every check asked in this turn of the event loop joins the batch.
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ id: job.id, token, settle, fail });
    });
}

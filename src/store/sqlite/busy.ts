/**
 * Waiting for another process's write lock without blocking the event loop.
 *
 * SQLite's own busy handler (`busy_timeout`) sleeps inside the call, and
 * better-sqlite3 calls are synchronous: each wait froze the whole process
 * for 1, 2, 5, 10… ms while the other process held the lock for a fraction
 * of a millisecond (in the fan-out benchmark two workers on one file spent
 * about a third of their time in such waits, serving nothing else: no lock
 * renewals, no HTTP). Here the connection fails at once (`busy_timeout = 0`)
 * and the call is tried again from the event loop, which serves sockets and
 * timers in between.
 *
 * Retrying a whole store method is safe because each one is a single
 * statement or a single transaction, so a busy one applied nothing, or its
 * earlier writes are idempotent (recordDeliveryPending inserts, then reads).
 */

/** How long a call may wait for the lock in all before it fails with the last SQLITE_BUSY ("database is locked"). */
export const LOCK_WAIT_BUDGET_MS = 3000;
/** Tries right after the event loop's next turn before sleeping: the lock is usually held for well under 1 ms. */
const IMMEDIATE_TRIES = 1;
/** The longest sleep between tries: short, since a write lock is held briefly. */
const MAX_PAUSE_MS = 8;

/** SQLite's answer when another connection holds the lock ("database is locked"), in any of its variants. */
export const isBusy = (error: unknown) =>
  typeof error === "object" && error !== null && String((error as { code?: unknown }).code).startsWith("SQLITE_BUSY");

const pause = (tries: number) =>
  new Promise<void>((resolve) => {
    if (tries <= IMMEDIATE_TRIES) setImmediate(resolve);
    else setTimeout(resolve, Math.min(MAX_PAUSE_MS, 2 ** (tries - IMMEDIATE_TRIES - 1)));
  });

/** Runs `call`; while it fails with SQLITE_BUSY, again from the event loop, for at most {@link LOCK_WAIT_BUDGET_MS}. */
export async function whenUnlocked<T>(call: () => T): Promise<T> {
  const deadline = performance.now() + LOCK_WAIT_BUDGET_MS;
  for (let tries = 1; ; tries++) {
    try {
      return call();
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error;
    }
    await pause(tries);
  }
}

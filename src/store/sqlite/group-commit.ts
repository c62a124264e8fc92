/**
 * Group commit: the writes asked for in one turn of the event loop share one
 * transaction. A fan-out runs fifty or a hundred deliveries at once, each
 * marking its row sending, then delivered, then noting the attempt: one
 * IMMEDIATE transaction per call meant a write lock, a WAL append and its
 * lock syscalls each, and with two processes on one file every one of those
 * locks was a chance to find the other process holding it.
 *
 * Each call runs in its own savepoint inside the shared transaction, so one
 * that throws (a refused state change) undoes only itself and rejects only its
 * own promise; the others commit. Every promise settles once the transaction
 * holding its call has committed (or failed), exactly as if it had run alone.
 * Reads are grouped the same way, in read transactions of their own ({@link groupRead}).
 */
import type Database from "better-sqlite3";
import { isBusy, whenUnlocked } from "./busy.ts";

/** Calls per transaction at most: bounds how long one holds the write lock that other processes wait for. */
const MAX_CALLS = 500;

interface Waiting {
  work: () => unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * A function that runs `write` (synchronous, on `db`) in the next shared transaction and settles with
 * its result once that has committed.
 *
 * @example
 * const commit = groupCommit(db);
 * await Promise.all([commit(() => markSending(a)), commit(() => markSending(b))]); // one BEGIN IMMEDIATE … COMMIT
 */
export function groupCommit(db: Database.Database): <T>(write: () => T) => Promise<T> {
  // Inside the shared transaction better-sqlite3 runs a transaction function as a savepoint.
  const inSavepoint = db.transaction((write: () => unknown) => write());
  const commitAll = db.transaction((calls: Waiting[]): Outcome[] => calls.map((call) => outcomeOf(call, inSavepoint)));
  return grouped((calls) => whenUnlocked(() => commitAll.immediate(calls)));
}

/**
 * The same for reads: those asked for in one turn share one read transaction, so the file is
 * looked at once per turn. Each read transaction of its own found the cache stale whenever
 * another process had written since, and read its pages again.
 */
export function groupRead(db: Database.Database): <T>(read: () => T) => Promise<T> {
  const readAll = db.transaction((calls: Waiting[]): Outcome[] =>
    calls.map((call) => outcomeOf(call, (read) => read())),
  );
  return grouped((calls) => whenUnlocked(() => readAll.deferred(calls)));
}

function outcomeOf(call: Waiting, run: (work: () => unknown) => unknown): Outcome {
  try {
    return { ok: true, value: run(call.work) };
  } catch (error) {
    // Busy is the transaction's, not the call's: it fails the whole batch, which is tried again.
    if (isBusy(error)) throw error;
    return { ok: false, error };
  }
}

/** Queues calls and hands each turn's (at most {@link MAX_CALLS}) to `runAll`, one batch at a time. */
function grouped(runAll: (calls: Waiting[]) => Promise<Outcome[]>): <T>(work: () => T) => Promise<T> {
  let waiting: Waiting[] = [];
  let running = false;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || running || waiting.length === 0) return;
    scheduled = true;
    // Not at once: every call made in this turn of the event loop joins the batch.
    setImmediate(flush);
  };

  const flush = async () => {
    scheduled = false;
    const calls = waiting.slice(0, MAX_CALLS);
    waiting = waiting.slice(calls.length);
    running = true;
    try {
      const outcomes = await runAll(calls);
      outcomes.forEach((outcome, i) => {
        if (outcome.ok) calls[i]!.resolve(outcome.value);
        else calls[i]!.reject(outcome.error);
      });
    } catch (error) {
      // The batch failed as a whole, nothing of it applied (busy past the wait budget, disk full, I/O error).
      for (const call of calls) call.reject(error);
    } finally {
      running = false;
      schedule();
    }
  };

  return <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ work, resolve: resolve as (result: unknown) => void, reject });
      schedule();
    });
}

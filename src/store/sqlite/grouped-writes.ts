/**
 * Writes made in one turn of the event loop, committed as one transaction.
 * Several processes sharing the file take turns on SQLite's one write lock:
 * a worker delivering a hundred messages at once took it three times per
 * delivery, and a process that finds it taken waits inside better-sqlite3's
 * synchronous busy handler, its whole event loop stalled. Grouped, each
 * process takes it once per turn for all of its writes.
 */
import type Database from "better-sqlite3";

interface Write {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Returns `group(write)`: runs `write` (a synchronous store write, itself a
 * better-sqlite3 transaction function) with the others of this turn in one
 * IMMEDIATE transaction, each in its own savepoint: a write that throws is
 * undone alone and rejects alone. Every promise settles after the commit; if
 * the commit itself fails (the lock stayed busy), every write of the group
 * rejects with that error, as each would have alone.
 *
 * @example
 * const group = groupedWrites(db);
 * await Promise.all([group(() => markSending(a)), group(() => markDelivered(b))]); // one transaction
 */
export function groupedWrites(db: Database.Database): <T>(write: () => T) => Promise<T> {
  let waiting: Write[] = [];
  // Nested in runAll, a transaction function is a savepoint.
  const isolated = db.transaction((run: () => unknown) => run());
  const runAll = db.transaction((writes: Write[]) =>
    writes.map((write) => {
      try {
        return { ok: true as const, value: isolated(write.run) };
      } catch (error) {
        return { ok: false as const, error };
      }
    }),
  );

  const flush = () => {
    const writes = waiting;
    waiting = [];
    let outcomes: ReturnType<typeof runAll>;
    try {
      outcomes = runAll.immediate(writes);
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    for (const [i, write] of writes.entries()) {
      const outcome = outcomes[i]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    }
  };

  return <T>(run: () => T) =>
    new Promise<T>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ run, resolve: resolve as (value: unknown) => void, reject });
    });
}

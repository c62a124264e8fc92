/**
 * Micro-batching of one statement: the calls made while the previous batch
 * of the same statement is on its way to PostgreSQL go together in the next
 * one. A fan-out runs a hundred deliveries at once, each marking its row
 * sending, then delivered, then noting the attempt; one statement per call
 * meant a round trip, a pooled connection and a socket write each, and the
 * socket writes alone were about a fifth of the worker's busy CPU.
 *
 * Each caller's promise settles only once its batch statement has committed
 * (every batch is one autocommit statement, so all of it or none of it is
 * applied), exactly as if it had run alone.
 */
import pg from "pg";

/** Batches of one statement on their way at once; the rest wait and grow. A few leave the pool's other connections free. */
const IN_FLIGHT = 2;
/** Rows per batch at most: bounds the statement's size and how long it holds its row locks. */
const MAX_ROWS = 500;

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export interface BatchedStatement<Item, Result> {
  /** Runs the whole batch as one statement; the results in the order of `items`. */
  many(items: Item[]): Promise<Result[]>;
  /** Runs one call alone: a batch of one, and each call of a batch the server refused. */
  one(item: Item): Promise<Result>;
  /**
   * Calls with the same key never share a batch (one statement changes a row once, however often
   * its key appears: two `attempts + 1` would count one), nor run in two batches at once.
   */
  key(item: Item): string;
}

/**
 * The statement behind a function that takes one call and settles with its
 * own result. A batch the server refused (one row breaking a constraint, a
 * deadlock) applied nothing, so each of its calls runs again alone and only
 * the bad one fails; a batch whose outcome is unknown (the connection broke)
 * fails every call instead, as one statement would have.
 *
 * @example
 * const markDelivered = batched({ many: (keys) => updateAll(keys), one: (key) => updateOne(key), key: (k) => k.id });
 * await markDelivered({ id: "a" }); // resolves once the batch holding it has committed
 */
export function batched<Item, Result>(statement: BatchedStatement<Item, Result>): (item: Item) => Promise<Result> {
  let waiting: Waiting<Item, Result>[] = [];
  let inFlight = 0;
  let scheduled = false;
  /** Keys in a batch being built or on its way: a later call with one waits for it, so calls on one row keep their order. */
  const busyKeys = new Set<string>();

  const schedule = () => {
    if (scheduled || waiting.length === 0 || inFlight >= IN_FLIGHT) return;
    scheduled = true;
    // Not at once: every call made in this turn of the event loop joins the batch.
    setImmediate(flush);
  };

  const flush = () => {
    scheduled = false;
    if (inFlight >= IN_FLIGHT) return;
    const batch: Waiting<Item, Result>[] = [];
    const keys: string[] = [];
    const later: Waiting<Item, Result>[] = [];
    for (const call of waiting) {
      const key = statement.key(call.item);
      if (batch.length >= MAX_ROWS || busyKeys.has(key)) later.push(call);
      else {
        busyKeys.add(key);
        keys.push(key);
        batch.push(call);
      }
    }
    waiting = later;
    if (batch.length === 0) return;
    inFlight++;
    run(batch).finally(() => {
      for (const key of keys) busyKeys.delete(key);
      inFlight--;
      schedule();
    });
    schedule();
  };

  const run = async (batch: Waiting<Item, Result>[]) => {
    if (batch.length === 1) return settle(batch[0]!, () => statement.one(batch[0]!.item));
    let results: Result[];
    try {
      results = await statement.many(batch.map((call) => call.item));
    } catch (error) {
      if (!(error instanceof pg.DatabaseError)) {
        for (const call of batch) call.reject(error);
        return;
      }
      await Promise.all(batch.map((call) => settle(call, () => statement.one(call.item))));
      return;
    }
    for (const [i, call] of batch.entries()) call.resolve(results[i]!);
  };

  const settle = async (call: Waiting<Item, Result>, work: () => Promise<Result>) => {
    try {
      call.resolve(await work());
    } catch (error) {
      call.reject(error);
    }
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      schedule();
    });
}

let readCalls = 0;
/**
 * The `key` of a read-only statement: every call its own, so calls on the same row share a batch (a read
 * changes nothing, so there is no order to keep). A batch is sent after the calls in it were made, so a
 * batched read is never older than the same read run alone.
 */
export const readCallKey = (): string => `read:${readCalls++}`;

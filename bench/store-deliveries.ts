/**
 * Child process of bench/store.ts: steps a range of deliveries through the
 * store calls a `herald worker` makes for each (read it, mark it sending, read
 * the newest version, "send", mark it delivered, note the attempt), `CONCURRENCY`
 * at a time, and reports its CPU time and wall time to the parent.
 * argv: <store location (file path or postgres URL)> <first>-<end> <concurrency>
 */
import { openStore, type StoreLocation } from "../src/store/index.ts";
import { isMain } from "./lib.ts";

export const BENCH_ARTICLE = "ms-outlook-outage";
/** Stands for the HTTP post between marking sending and marking delivered: deliveries overlap as in a worker. */
const SEND_MS = 1;

export interface DeliveriesReport {
  cpuUs: number;
  ms: number;
}

export const destinationOf = (i: number) => `hook-${i}`;

/** The store a location handed over as one argument names: a PostgreSQL URL, or else a file path. */
export const storeLocation = (location: string): StoreLocation =>
  location.startsWith("postgres") ? { url: location } : { path: location };

async function main(): Promise<void> {
  const [location, range, concurrency] = process.argv.slice(2) as [string, string, string];
  const [first, end] = range.split("-").map(Number) as [number, number];
  const store = await openStore(storeLocation(location));
  // Told once open, so the parent starts every process's clock together.
  process.send?.("ready");
  await new Promise((resolve) => process.once("message", resolve));
  let next = first;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Number(concurrency) }, async () => {
      while (next < end) {
        const id = destinationOf(next++);
        await store.getDelivery(BENCH_ARTICLE, 1, id);
        await store.markSending(BENCH_ARTICLE, 1, id);
        await store.latestVersion(BENCH_ARTICLE);
        await new Promise((resolve) => setTimeout(resolve, SEND_MS));
        await store.markDelivered(BENCH_ARTICLE, 1, id, `m-${id}`);
        await store.recordAttempt({
          articleId: BENCH_ARTICLE,
          version: 1,
          destinationId: id,
          outcome: "delivered",
          messageId: `m-${id}`,
        });
      }
    }),
  );
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const report: DeliveriesReport = { cpuUs: cpu.user + cpu.system, ms };
  process.send?.(report);
  await store.close();
}

if (isMain(import.meta.url)) await main();

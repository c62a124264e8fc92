/**
 * The store alone under a fan-out: 10,000 deliveries stepped through the
 * store calls a worker makes for each (bench/store-deliveries.ts), by 1 and
 * by 2 processes on one store, for each backend. No Redis, no HTTP, no fake
 * platform: what is left is what adding a process costs the store, which the
 * whole-pipeline fan-out bench cannot show apart from the machine's noise
 * (its fake, Redis and PostgreSQL share the same 2 cores).
 * Figures: the time for all deliveries (median and p95 over the rounds, 2
 * processes against 1 run alternately in the same rounds) and the store's CPU
 * per delivery in the processes. Run alone with `node --import tsx bench/store.ts`;
 * BENCH_STORE_DELIVERIES, BENCH_STORE_CONCURRENCY, BENCH_STORE_ROUNDS and
 * BENCH_STORE_BACKENDS change it.
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { redactUrl } from "../src/net/redact.ts";
import { openStore } from "../src/store/index.ts";
import { outageArticle } from "../tests/fixtures/store/articles.ts";
import { createPgDatabase, PG_ADMIN_URL } from "../tests/helpers/store-backends.ts";
import { PROJECT_ROOT, scratch } from "./harness.ts";
import { alternating, heading, isMain, note, report, stats, storeBackends } from "./lib.ts";
import { BENCH_ARTICLE, type DeliveriesReport, destinationOf, storeLocation } from "./store-deliveries.ts";

const DELIVERIES = Number(process.env.BENCH_STORE_DELIVERIES ?? 10_000);
/** Per process: the config's default delivery.concurrency. */
const CONCURRENCY = Number(process.env.BENCH_STORE_CONCURRENCY ?? 50);
const ROUNDS = Math.max(1, Number(process.env.BENCH_STORE_ROUNDS ?? 5));
const BACKENDS = storeBackends(process.env.BENCH_STORE_BACKENDS);

interface Run {
  ms: number;
  cpuUsPerDelivery: number;
}

/** A fresh store holding the article and its pending deliveries; `location` is what the processes open. */
async function freshStore(backend: "sqlite" | "postgres"): Promise<{ location: string; drop: () => Promise<void> }> {
  const made =
    backend === "postgres"
      ? await createPgDatabase().then((db) => ({ location: db.url, drop: db.drop }))
      : (() => {
          const space = scratch("store");
          return { location: space.dbPath, drop: space.cleanup };
        })();
  const store = await openStore(storeLocation(made.location));
  const ids = Array.from({ length: DELIVERIES }, (_, i) => destinationOf(i));
  for (const id of ids) await store.upsertDestination({ id, type: "discord-webhook", config: {} });
  await store.upsertArticle(outageArticle(), null);
  for (let i = 0; i < ids.length; i += 500)
    await store.recordDeliveriesPending(BENCH_ARTICLE, 1, ids.slice(i, i + 500));
  await store.close();
  return made;
}

/** All deliveries by `processes` processes, each its share; the clock runs from the moment all are open. */
async function run(backend: "sqlite" | "postgres", processes: number): Promise<Run> {
  const { location, drop } = await freshStore(backend);
  try {
    const share = DELIVERIES / processes;
    const children = Array.from({ length: processes }, (_, i) =>
      fork(
        join(PROJECT_ROOT, "bench/store-deliveries.ts"),
        [location, `${i * share}-${(i + 1) * share}`, String(CONCURRENCY)],
        {
          execArgv: ["--import", "tsx"],
        },
      ),
    );
    const message = <T>(child: (typeof children)[number]) =>
      new Promise<T>((resolve, reject) => {
        child.once("message", (value) => resolve(value as T));
        child.once("exit", (code) => reject(new Error(`store bench process exited with ${code} before reporting`)));
      });
    // Listened for from the start: a process that finishes first may have exited before the others report.
    const exited = children.map((child) => new Promise((resolve) => child.once("exit", resolve)));
    await Promise.all(children.map((child) => message<string>(child)));
    const started = performance.now();
    const reports = Promise.all(children.map((child) => message<DeliveriesReport>(child)));
    for (const child of children) child.send("go");
    const done = await reports;
    const ms = performance.now() - started;
    await Promise.all(exited);
    return { ms, cpuUsPerDelivery: done.reduce((sum, r) => sum + r.cpuUs, 0) / DELIVERIES };
  } finally {
    await drop();
  }
}

export async function benchStore(): Promise<void> {
  heading("store under a fan-out: 1 and 2 processes on one store, no Redis, no HTTP", {
    deliveries: DELIVERIES,
    "concurrency per process": CONCURRENCY,
    rounds: ROUNDS,
    postgres: redactUrl(PG_ADMIN_URL),
  });
  for (const backend of BACKENDS) {
    const runs: Record<1 | 2, Run[]> = { 1: [], 2: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const processes of alternating([1, 2] as const, round)) runs[processes].push(await run(backend, processes));
    }
    for (const processes of [1, 2] as const) {
      const cpu = runs[processes].map((r) => Math.round(r.cpuUsPerDelivery));
      const rate = runs[processes].map((r) => Math.round(DELIVERIES / (r.ms / 1000)));
      note(
        `${backend}, ${processes} process${processes > 1 ? "es" : ""}: ${rate.join(", ")} deliveries/s; ` +
          `store CPU µs per delivery (all processes) ${cpu.join(", ")}`,
      );
    }
    const ratios = runs[2].map((two, i) => (runs[1][i]!.ms / two.ms).toFixed(2));
    report(
      `${backend}, all ${DELIVERIES.toLocaleString("en-US")} deliveries by 2 processes`,
      stats(runs[2].map((r) => r.ms)),
      stats(runs[1].map((r) => r.ms)),
      `baseline: 1 process, same rounds; round by round 1 ÷ 2 (above 1: 2 are faster): ${ratios.join(", ")}`,
    );
  }
}

if (isMain(import.meta.url)) await benchStore();

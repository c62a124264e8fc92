/**
 * Fan-out: one article to 10,000 `discord-webhook` destinations (all on one
 * Discord fake, rate limits off) by a `herald worker` process, cards off so
 * only delivery is measured. Figures: deliveries per second and the worker's
 * peak RSS. The baseline is a plain sequential loop of the same HTTP calls
 * (undici `request`, same JSON, same URLs) from this process.
 * Run alone with `node --import tsx bench/fanout.ts`; BENCH_FANOUT_CONCURRENCY
 * and BENCH_FANOUT_DESTINATIONS change the sizes, BENCH_FANOUT_BACKENDS the stores of the worker runs, BENCH_FANOUT_PROFILE=<dir>
 * writes the workers' V8 CPU profiles there (open them in Chrome DevTools), BENCH_FANOUT_WORKERS=1 runs only
 * the 1-worker case of the 1-vs-2 runs, BENCH_FANOUT_ROUNDS how often each runs (default 3),
 * BENCH_FANOUT_COMPARE_CONCURRENCY the per-worker concurrencies they compare at (default: the config's, and 100),
 * BENCH_FANOUT_WARM_UP the deliveries per worker process of the warm-up fan-out before each of them.
 */
import { availableParallelism } from "node:os";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { request } from "undici";
import { formatDiscord } from "../adapters/discord/format.ts";
import { configSchema } from "../config/schema.ts";
import { type IngestJobData, QueueName } from "../jobs/queues.ts";
import { parsePost } from "../src/article/index.ts";
import { buildMessage } from "../src/message/build.ts";
import { NO_CARD } from "../src/message/card-placement.ts";
import { redactUrl } from "../src/net/redact.ts";
import { openStore, type Store, type StoreLocation } from "../src/store/index.ts";
import { DiscordFake } from "../tests/fakes/discord/server.ts";
import { createPgDatabase, PG_ADMIN_URL } from "../tests/helpers/store-backends.ts";
import {
  localRedisPid,
  machineCpuMs,
  processCpuMs,
  REDIS_URL,
  scratch,
  seconds,
  startWorker,
  type WorkerProcess,
  waitUntil,
} from "./harness.ts";
import { alternating, heading, isMain, note, reportRate, storeBackends } from "./lib.ts";

const DESTINATIONS = Number(process.env.BENCH_FANOUT_DESTINATIONS ?? 10_000);
/** 100 delivered fastest here (2 cores, fake in the bench process): 50 and 200 were both slower. */
const CONCURRENCY = Number(process.env.BENCH_FANOUT_CONCURRENCY ?? 100);
/** What `delivery.concurrency` is when the config does not say: what an operator adding a worker runs. */
const DEFAULT_CONCURRENCY = configSchema.parse({}).delivery.concurrency;
/**
 * The per-worker concurrencies the 1-vs-2-worker runs compare at (BENCH_FANOUT_COMPARE_CONCURRENCY, comma-separated):
 * the config's default, and the setting at which one worker delivered fastest here.
 */
const COMPARE_AT = [
  ...new Set(
    (process.env.BENCH_FANOUT_COMPARE_CONCURRENCY ?? `${DEFAULT_CONCURRENCY},${CONCURRENCY}`)
      .split(",")
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0),
  ),
];
const PROFILE_DIR = process.env.BENCH_FANOUT_PROFILE;
/** The store backends the 1-vs-2-worker runs use; BENCH_FANOUT_BACKENDS=postgres runs one. */
const BACKENDS = storeBackends(process.env.BENCH_FANOUT_BACKENDS);
/** The worker counts of the 1-vs-2-worker runs; BENCH_FANOUT_WORKERS=1 runs one (no ratio then). */
const WORKER_COUNTS = (process.env.BENCH_FANOUT_WORKERS ?? "1,2")
  .split(",")
  .map(Number)
  .filter((n) => n === 1 || n === 2);
/** How many times the 1-vs-2-worker pair runs per backend (BENCH_FANOUT_ROUNDS). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_FANOUT_ROUNDS ?? 3));
const BASE_URL = "https://news.example.kr";
/**
 * Webhooks per worker process of the warm-up fan-out before each 1-vs-2-worker run (BENCH_FANOUT_WARM_UP): two
 * workers warm up on twice as many, so each has delivered about as often as the one worker before it is measured.
 * With one warm-up of 2,000 for either, each of the two had delivered half as often and compiled its hot code less.
 */
const WARM_UP = Math.max(1, Number(process.env.BENCH_FANOUT_WARM_UP ?? 3000));

const POST = `---
title: "[속보] 전국 결제망 장애, 카드 결제 중단"
categories: [News]
date: 2026-10-14 09:00:00 +0900
permalink: /news/fanout/
excerpt: >
  전국 결제망에서 장애가 이어지고 있습니다. 주요 은행과 카드사가 복구 작업 중입니다.
---

<p>전국 결제망에서 장애가 이어지고 있습니다.</p>
`;

/** The workers' config: a `warm` feed to `warmUps` webhooks of their own (the warm-up post) and a `fanout` feed to every URL. */
function fanOutConfig(
  fake: DiscordFake,
  urls: string[],
  options: { warmUps?: number; concurrency?: number } = {},
): Record<string, unknown> {
  const { warmUps = 1, concurrency = CONCURRENCY } = options;
  const warm = Array.from({ length: warmUps }, (_, i) => ({
    id: `warm-${i}`,
    type: "discord-webhook",
    url: fake.webhookUrl(),
  }));
  return {
    cards: { enabled: false },
    ingest: { token: "bench-ingest-token" },
    delivery: { concurrency },
    destinations: [...warm, ...urls.map((url, i) => ({ id: `hook-${i}`, type: "discord-webhook", url }))],
    feeds: [
      { id: "warm", type: "webhook", baseUrl: BASE_URL, destinations: warm.map((d) => d.id) },
      { id: "fanout", type: "webhook", baseUrl: BASE_URL, destinations: urls.map((_, i) => `hook-${i}`) },
    ],
  };
}

/** Queues an ingest job the way the directory watcher and `herald ingest` do. */
async function queueIngest(queue: Queue<IngestJobData>, feedId: string, raw: string): Promise<void> {
  await queue.add("ingest", { feedId, input: `bench/${feedId}`, kind: "post", raw });
}

export async function benchFanout(): Promise<void> {
  heading("fan-out: one article to many Discord webhooks by a `herald worker` process", {
    destinations: DESTINATIONS,
    "delivery.concurrency": CONCURRENCY,
    cards: "off",
    "worker log level": "warn",
  });
  const space = scratch("fanout");
  const fake = await DiscordFake.start();
  const urls = Array.from({ length: DESTINATIONS }, () => fake.webhookUrl());
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue<IngestJobData>(QueueName.ingest, { connection, prefix: space.prefix });
  let worker: WorkerProcess | null = null;
  try {
    worker = startWorker(
      space,
      fanOutConfig(fake, urls),
      PROFILE_DIR ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] } : {},
    );

    // A one-destination article first: the worker has started, connected and delivered once.
    const startup = performance.now();
    await queueIngest(queue, "warm", POST.replace("/news/fanout/", "/news/warm/"));
    await waitForMessages(fake, 1, 120_000, worker);
    note(
      `worker started and delivered its first post in ${seconds(performance.now() - startup)}; RSS then ${mb(worker.peakRssKb())}`,
    );

    const queued = Date.now();
    await queueIngest(queue, "fanout", POST);
    await waitForMessages(fake, 1 + DESTINATIONS, 600_000, worker);
    const peakKb = worker.peakRssKb();
    const fanned = fake.messages.slice(1);
    const first = fanned[0]?.receivedAt ?? queued;
    const last = fanned.at(-1)?.receivedAt ?? queued;
    await worker.stop();
    worker = null;
    const states = await countDeliveries({ path: space.dbPath });
    const distinct = new Set(fanned.map((m) => m.webhookId)).size;

    // Baseline: the same requests, one after another, from here.
    const payload = JSON.stringify(
      formatDiscord(buildMessage(parsePost(POST, "bench/fanout", { baseUrl: BASE_URL })), NO_CARD),
    );
    const started = performance.now();
    for (const url of urls) {
      const answer = await request(`${url}?wait=true`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: payload,
      });
      await answer.body.text();
      if (answer.statusCode !== 200) throw new Error(`baseline POST answered ${answer.statusCode}`);
    }
    const baseline = { count: DESTINATIONS, ms: performance.now() - started };

    reportRate(
      "fan-out, first to last delivery",
      { count: DESTINATIONS, ms: Math.max(1, last - first) },
      baseline,
      "deliveries",
      "target ≥ 1,000/s; baseline: sequential undici loop",
    );
    reportRate(
      "fan-out, ingest job queued to last delivery",
      { count: DESTINATIONS, ms: Math.max(1, last - queued) },
      baseline,
      "deliveries",
      `includes parsing, ${DESTINATIONS.toLocaleString("en-US")} pending rows and queueing the jobs`,
    );
    note(`worker peak RSS ${mb(peakKb)} (VmHWM; sampled VmRSS every 200 ms)`);
    note(
      `first delivery ${seconds(first - queued)} after the ingest job was queued; ${distinct.toLocaleString("en-US")} distinct webhooks reached, ${(fanned.length - distinct).toLocaleString("en-US")} duplicates`,
    );
    note(
      `deliveries in the store: ${Object.entries(states)
        .map(([state, n]) => `${state} ${n.toLocaleString("en-US")}`)
        .join(", ")}`,
    );
  } finally {
    await worker?.stop();
    await queue.close();
    connection.disconnect();
    await fake.close();
    await space.cleanup();
  }
  await benchFanoutWorkers();
}

/**
 * The same fan-out by 1 and by 2 `herald worker` processes, on each store backend: one SQLite file
 * shared on this host, and a PostgreSQL database (what several hosts share). Deliveries per second
 * side by side; duplicates (webhooks posted more than once) and `database is locked` log lines counted.
 * One pair of runs swings by ±10 % here (2 cores shared with the fake, Redis and the store), so the
 * pairs run ROUNDS times, in alternating order (1 then 2, 2 then 1, …: a drift of the machine
 * favours neither), and the ratio is of the medians.
 */
export async function benchFanoutWorkers(): Promise<void> {
  heading("fan-out by 1 and 2 `herald worker` processes, SQLite file and PostgreSQL store", {
    destinations: DESTINATIONS,
    "delivery.concurrency per worker": `${COMPARE_AT.join(" and ")} (config default ${DEFAULT_CONCURRENCY})`,
    cards: "off",
    rounds: ROUNDS,
    "warm-up fan-out per worker process": WARM_UP,
    postgres: redactUrl(PG_ADMIN_URL),
  });
  for (const backend of BACKENDS) for (const concurrency of COMPARE_AT) await compareWorkers(backend, concurrency);
}

async function compareWorkers(backend: "sqlite" | "postgres", concurrency: number): Promise<void> {
  const setting = `${backend}, concurrency ${concurrency}`;
  const runs = new Map<number, Run[]>(WORKER_COUNTS.map((count) => [count, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const count of alternating(WORKER_COUNTS, round))
      runs.get(count)?.push(await fanOutWith(backend, count, concurrency));
  }
  for (const [count, list] of runs) {
    const rates = list.map((run) => perSecond(run).toFixed(0)).join(", ");
    note(
      `${setting}, ${count} worker process${count === 1 ? "" : "es"}: ${rates} deliveries/s; ${list.map((run) => run.summary).join("; ")}`,
    );
  }
  const one = medianRun(runs.get(1) ?? []);
  const two = medianRun(runs.get(2) ?? []);
  if (!one || !two) return;
  const pairs = (runs.get(1) ?? []).map((run, i) => {
    const other = runs.get(2)?.[i];
    return other ? (perSecond(other) / perSecond(run)).toFixed(2) : "?";
  });
  reportRate(
    `${setting}, 2 worker processes, ingest job queued to last delivery (median of ${ROUNDS})`,
    two,
    one,
    "deliveries",
    `baseline: 1 worker process, same setting, median of ${ROUNDS}; round by round 2 ÷ 1: ${pairs.join(", ")}`,
  );
  note(machineCeiling(setting, runs.get(1) ?? [], runs.get(2) ?? [], perSecond(one)));
}

/**
 * The most each worker count could deliver here at the CPU per delivery it was measured to cost, were every
 * core busy: the machine's cores over the median busy CPU time per delivery. Two workers can only beat one
 * by more than the idle share one worker leaves, and only as far as their ceiling is above one worker's rate.
 */
function machineCeiling(setting: string, one: Run[], two: Run[], oneRate: number): string {
  const cores = availableParallelism();
  const ceiling = (runs: Run[]) =>
    (cores * 1000) / (medianRun(runs, (run) => run.busyMsPerDelivery)?.busyMsPerDelivery ?? Number.NaN);
  const rate = (x: number) => Math.round(x).toLocaleString("en-US");
  return `${setting}, this machine's ceiling (${cores} cores all busy at the median CPU per delivery measured): 1 worker ${rate(ceiling(one))}/s, 2 workers ${rate(ceiling(two))}/s = ${(ceiling(two) / oneRate).toFixed(2)}x the 1-worker median`;
}

interface Run {
  count: number;
  ms: number;
  summary: string;
  /** The whole machine's busy CPU time per delivery (workers, Redis, the fake, the store, the kernel), in ms. */
  busyMsPerDelivery: number;
}

const perSecond = (run: Run) => run.count / (run.ms / 1000);

/** The run of the median `figure` (the lower middle one of an even count). */
function medianRun(runs: Run[], figure: (run: Run) => number = perSecond): Run | undefined {
  const sorted = [...runs].sort((a, b) => figure(a) - figure(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

async function fanOutWith(backend: "sqlite" | "postgres", count: number, concurrency: number): Promise<Run> {
  const space = scratch(`fanout-${backend}-${count}w`);
  const pg = backend === "postgres" ? await createPgDatabase() : null;
  const fake = await DiscordFake.start();
  const urls = Array.from({ length: DESTINATIONS }, () => fake.webhookUrl());
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue<IngestJobData>(QueueName.ingest, { connection, prefix: space.prefix });
  const workers: WorkerProcess[] = [];
  const location = pg ? { url: pg.url } : { path: space.dbPath };
  const warmUps = WARM_UP * count;
  let store: Store | null = null;
  try {
    const raw = {
      ...(pg ? { database: { url: pg.url } } : {}),
      ...fanOutConfig(fake, urls, { warmUps, concurrency }),
    };
    const profile = PROFILE_DIR
      ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}/${backend}-c${concurrency}-${count}w`] }
      : {};
    for (let i = 0; i < count; i++) workers.push(startWorker(space, raw, { name: `worker-${i}`, ...profile }));
    // Measured from a ready fleet: each worker has migrated, synced the config into the store and taken its queues.
    await waitUntil(
      async () => (await queue.getWorkersCount()) >= count,
      120_000,
      `${count} workers on the ingest queue`,
      100,
    );
    // Opened once: a store opened per poll (a pool, the migration check) loaded the machine being measured.
    store = await openStore(location);
    const counted = store;
    const delivered = async (n: number) => {
      const dead = workers.find((w) => !w.alive());
      if (dead) throw new Error(`a worker exited during the fan-out; its output:\n${dead.output().slice(-4000)}`);
      if (fake.messages.length < n) return false;
      return ((await counted.countByState()).delivered ?? 0) >= n;
    };
    // A smaller fan-out first, measured from a fleet that has been up a while: parse threads booted, connections
    // open, and every worker's hot code compiled (each process compiles its own: cold, the workers spent 35–40 % more
    // CPU per delivery, a cost a fleet pays once at start and a 2-worker run paid twice).
    await queueIngest(queue, "warm", POST.replace("/news/fanout/", "/news/warm/"));
    await waitUntil(() => delivered(warmUps), 120_000, "the warm-up fan-out", 50);
    const cpuBefore = cpuNow(workers);
    const queued = Date.now();
    await queueIngest(queue, "fanout", POST);
    await waitUntil(() => delivered(warmUps + DESTINATIONS), 600_000, `${DESTINATIONS} deliveries recorded`, 200);
    const cpu = cpuPerDelivery(cpuBefore, cpuNow(workers), DESTINATIONS);
    const fanned = fake.messages.slice(warmUps);
    const last = fanned.reduce((latest, m) => Math.max(latest, m.receivedAt), queued);
    const first = fanned.reduce((earliest, m) => Math.min(earliest, m.receivedAt), last);
    const distinct = new Set(fanned.map((m) => m.webhookId)).size;
    const locked = workers
      .flatMap((w) => w.output().split("\n"))
      .filter((line) => /database is locked/i.test(line)).length;
    const summary = `first post ${seconds(first - queued)} after queueing, ${(fanned.length - distinct).toLocaleString("en-US")} duplicates, ${locked} 'database is locked', ${cpu.text}`;
    return { count: distinct, ms: Math.max(1, last - queued), summary, busyMsPerDelivery: cpu.busyMsPerDelivery };
  } finally {
    await store?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await queue.close();
    connection.disconnect();
    await fake.close();
    await space.cleanup();
    await pg?.drop();
  }
}

interface CpuSample {
  workers: number;
  redis: number;
  /** This process: the fake answering the webhooks, and the polling. */
  bench: number;
  machine: { busy: number; total: number };
}

/** Looked up once, by the first run that samples CPU (benchFanout alone never does). */
let redisPid: number | null | undefined;

function redisPidOnce(): number | null {
  if (redisPid === undefined) redisPid = localRedisPid();
  return redisPid;
}

function cpuNow(workers: WorkerProcess[]): CpuSample {
  const own = process.cpuUsage();
  return {
    workers: workers.reduce((sum, w) => sum + processCpuMs(w.pid), 0),
    redis: redisPidOnce() ? processCpuMs(redisPidOnce() as number) : 0,
    bench: (own.user + own.system) / 1000,
    machine: machineCpuMs(),
  };
}

/**
 * Where the machine's CPU went per delivery: the workers, Redis, this process (the fake), and the
 * rest (the store's server, the kernel). On 2 cores a second worker can only be faster while the
 * machine has idle time left, so the busy share says which figure to read.
 */
function cpuPerDelivery(
  before: CpuSample,
  after: CpuSample,
  deliveries: number,
): { text: string; busyMsPerDelivery: number } {
  const per = (ms: number) => `${((ms * 1000) / deliveries).toFixed(0)}`;
  const busy = after.machine.busy - before.machine.busy;
  const own = after.workers - before.workers + (after.redis - before.redis) + (after.bench - before.bench);
  const share = busy / Math.max(1, after.machine.total - before.machine.total);
  return {
    text: `CPU µs per delivery: workers ${per(after.workers - before.workers)}, Redis ${per(after.redis - before.redis)}, fake ${per(after.bench - before.bench)}, rest ${per(busy - own)} (machine ${(share * 100).toFixed(0)}% busy)`,
    busyMsPerDelivery: busy / deliveries,
  };
}

/** Waits for `n` messages; if the worker dies or time runs out first, says so with its output. */
async function waitForMessages(fake: DiscordFake, n: number, timeoutMs: number, worker: WorkerProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (fake.messages.length < n) {
    const problem = !worker.alive()
      ? "the worker exited"
      : Date.now() > deadline
        ? `timed out after ${timeoutMs} ms`
        : null;
    if (problem)
      throw new Error(
        `${problem} waiting for ${n} messages; ${fake.messages.length} arrived. Worker output:\n${worker.output().slice(-4000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function countDeliveries(location: StoreLocation): Promise<Record<string, number>> {
  const store = await openStore(location);
  try {
    return await store.countByState();
  } finally {
    await store.close();
  }
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

if (isMain(import.meta.url)) await benchFanout();

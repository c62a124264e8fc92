import { hostname } from "node:os";
import { type ConnectionOptions, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { HeraldConfig } from "../config/schema.ts";
import type { AlertNotice } from "../src/alerts/subject.ts";
import type { Log } from "../src/log.ts";
import { openStore, type Store } from "../src/store/index.ts";
import { CHECK_ALERTS_JOB, checkAlerts } from "./alerts/check.ts";
import { AlertNotifier } from "./alerts/notifier.ts";
import { processAlert } from "./alerts/send.ts";
import { type Bots, createBots } from "./bots.ts";
import { type ClaimOnce, redisClaimOnce } from "./http/claim-once.ts";
import { createLogger } from "./log.ts";
import { HeraldMetrics } from "./metrics/registry.ts";
import { type LazyCardRenderer, lazyCardRenderer } from "./pipeline/card-renderer.ts";
import type { PipelineContext } from "./pipeline/context.ts";
import { processDelivery, recordExhausted } from "./pipeline/deliver.ts";
import { syncConfigToStore } from "./pipeline/feeds.ts";
import { processIngest } from "./pipeline/ingest.ts";
import { batchedLockCheck } from "./pipeline/lock-check.ts";
import { pruneCards } from "./pipeline/prune-cards.ts";
import { createPosterRegistry } from "./posters.ts";
import { type DeliverJobData, type IngestJobData, type PollJobData, QueueName } from "./queues.ts";
import { connectRedis } from "./redis.ts";
import { ALL_ROLES, type Role, type Roles } from "./roles.ts";
import { processPoll } from "./sources/rss.ts";
import { createUntrustedPool, type UntrustedPool } from "./untrusted/pool.ts";

export interface Runtime {
  config: HeraldConfig;
  log: Log;
  store: Store;
  connection: Redis;
  /** Fleet-wide "first time?" for replay protection (signatures, interaction ids). */
  claimOnce: ClaimOnce;
  ingestQueue: Queue<IngestJobData>;
  deliverQueue: Queue<DeliverJobData>;
  pollQueue: Queue<PollJobData>;
  /** Scheduled housekeeping (the daily `prune-cards` job, the `check-alerts` look). */
  maintenanceQueue: Queue;
  /** Health alert messages to `alerts.destination`. */
  alertQueue: Queue<AlertNotice>;
  /** Worker threads for parsing untrusted input; none run until the first parse, one stays warm where posts are parsed (service.ts). */
  untrusted: UntrustedPool;
  context: PipelineContext;
  /** This process's counters and gauges (served at GET /metrics by processes with an HTTP server). */
  metrics: HeraldMetrics;
  /** The configured chat bots (posting works without starting them; commands need `bots.start`). */
  bots: Bots;
  workers: Worker[];
  /**
   * Starts the workers of the given roles (default: all): `ingest` → ingest and poll (and, on the
   * first card, Chromium), `deliver` → deliver, `sources` → maintenance. Other roles have none.
   */
  startWorkers(roles?: Roles): void;
  /** For /healthz: per worker role this process runs, true when it takes jobs, else why not; and its Chromium pool's state (null without `ingest`). */
  workerReadiness(): { roles: Partial<Record<Role, true | string>>; chromium: string | null };
  /** Stops taking jobs, lets in-flight jobs finish (up to `graceMs`), then closes everything. */
  close(graceMs?: number): Promise<void>;
}

/** The store names the file or database; the operator also needs the key that sets it. */
async function openConfiguredStore(database: HeraldConfig["database"], log: Log): Promise<Store> {
  const { url, path } = database;
  let store: Store;
  try {
    store = await openStore(url ? { url } : { path });
  } catch (error) {
    throw new Error(`${(error as Error).message} (${url ? "database.url" : "database.path"})`);
  }
  for (const notice of store.notices) log.warn({ store: store.location }, notice);
  return store;
}

export async function createRuntime(config: HeraldConfig, options: { log?: Log | undefined } = {}): Promise<Runtime> {
  const log: Log = options.log ?? createLogger(config.log.level);
  const store = await openConfiguredStore(config.database, log);
  try {
    await syncConfigToStore(config, store);
  } catch (error) {
    await store.close();
    throw error;
  }
  const connection = connectRedis(config.redis, log);
  const claimOnce = redisClaimOnce(connection, config.redis.prefix);
  let bots: Bots;
  try {
    bots = await createBots(config, store, log, claimOnce);
  } catch (error) {
    connection.disconnect();
    await store.close();
    throw error;
  }
  const queueOptions = { connection: connection as ConnectionOptions, prefix: config.redis.prefix };

  const ingestQueue = new Queue<IngestJobData>(QueueName.ingest, {
    ...queueOptions,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: "exponential", delay: 1000, jitter: 0.5 },
      removeOnComplete: { age: 86_400, count: 10_000 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
  const deliverQueue = new Queue<DeliverJobData>(QueueName.deliver, {
    ...queueOptions,
    defaultJobOptions: {
      attempts: config.delivery.attempts,
      backoff: { type: "exponential", delay: config.delivery.backoff, jitter: 0.5 },
      removeOnComplete: { age: 7 * 86_400, count: 50_000 },
      removeOnFail: { age: 30 * 86_400 },
    },
  });
  const pollQueue = new Queue<PollJobData>(QueueName.poll, {
    ...queueOptions,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: "exponential", delay: 5000, jitter: 0.5 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    },
  });

  const maintenanceQueue = new Queue(QueueName.maintenance, {
    ...queueOptions,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: "exponential", delay: 60_000 },
      removeOnComplete: { count: 10 },
      removeOnFail: { count: 10 },
    },
  });

  // An alert that cannot be posted is retried for about 40 minutes (the alert channel may be what is down).
  const alertQueue = new Queue<AlertNotice>(QueueName.alert, {
    ...queueOptions,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: "exponential", delay: 5000, jitter: 0.5 },
      removeOnComplete: { age: 7 * 86_400, count: 1000 },
      removeOnFail: { age: 30 * 86_400 },
    },
  });

  for (const queue of [ingestQueue, deliverQueue, pollQueue, maintenanceQueue, alertQueue]) {
    queue.on("error", (error) => log.debug({ queue: queue.name, err: error.message }, "queue connection error"));
  }

  const untrusted = createUntrustedPool(config.processing);
  const metrics = new HeraldMetrics();
  metrics.watchQueues([ingestQueue, deliverQueue, pollQueue, maintenanceQueue]);
  const context: PipelineContext = {
    config,
    store,
    log,
    ingestQueue,
    deliverQueue,
    poster: createPosterRegistry(config, bots.poster),
    redis: connection,
    untrusted,
    metrics,
    alerts: new AlertNotifier(store, alertQueue, config.alerts, log),
  };

  const maintain = async (job: string) => {
    if (job === CHECK_ALERTS_JOB) {
      if (config.alerts) await checkAlerts(deliverQueue, store, context.alerts, config.alerts);
      return;
    }
    await pruneCards(context);
  };

  const workers: Worker[] = [];
  const workersByRole = new Map<Role, Worker[]>();
  // Created only when this process runs `ingest`: no other role can reach Chromium.
  let cards: LazyCardRenderer | null = null;
  const ownConnections: Redis[] = [connection];
  // The worker's Redis client name: `herald status` lists which processes take each queue's jobs (Queue.getWorkers).
  const workerOptions = {
    ...queueOptions,
    name: `${hostname()}:${process.pid}`,
    lockDuration: config.delivery.lockDuration,
    stalledInterval: Math.max(1000, Math.floor(config.delivery.lockDuration / 2)),
  };
  const startWorkers = (roles: Roles = ALL_ROLES) => {
    if (workers.length) return;
    // Each worker gets its own connection: blocking commands must not share one.
    const workerConnection = () => {
      const redis = connectRedis(config.redis, log);
      ownConnections.push(redis);
      return redis as ConnectionOptions;
    };
    const add = (role: Role, worker: Worker) => {
      worker.on("error", (error) => log.warn({ queue: worker.name, err: error.message }, "worker error"));
      worker.on("failed", (job, error) => {
        if (error.name !== "DelayedError")
          log.warn({ queue: worker.name, jobId: job?.id, err: error.message }, "job failed");
      });
      workers.push(worker);
      workersByRole.set(role, [...(workersByRole.get(role) ?? []), worker]);
    };
    if (roles.has("ingest")) {
      const renderer = lazyCardRenderer(config.cards);
      cards = renderer;
      const ingestContext = { ...context, renderer: () => renderer.get() };
      add(
        "ingest",
        new Worker<IngestJobData>(QueueName.ingest, (job) => processIngest(job.data, ingestContext, job.id), {
          ...workerOptions,
          connection: workerConnection(),
          concurrency: 2,
        }),
      );
      add(
        "ingest",
        new Worker<PollJobData>(QueueName.poll, (job) => processPoll(job.data, context), {
          ...workerOptions,
          connection: workerConnection(),
          concurrency: 4,
        }),
      );
    }
    if (roles.has("deliver")) {
      const holdsLock = batchedLockCheck(() => deliver, config.delivery.lockDuration);
      const deliver: Worker<DeliverJobData> = new Worker<DeliverJobData>(
        QueueName.deliver,
        (job, token) => processDelivery(job, token, context, holdsLock),
        {
          ...workerOptions,
          connection: workerConnection(),
          concurrency: config.delivery.concurrency,
        },
      );
      deliver.on("failed", async (job, error) => await recordExhausted(job, error, context));
      add("deliver", deliver);
      add(
        "deliver",
        new Worker<AlertNotice>(QueueName.alert, (job) => processAlert(job, config, context.poster, log), {
          ...workerOptions,
          connection: workerConnection(),
          concurrency: 1,
        }),
      );
    }
    // Housekeeping goes with `sources`, which schedules it: a `herald worker` only delivers.
    if (roles.has("sources"))
      add(
        "sources",
        new Worker(QueueName.maintenance, async (job) => await maintain(job.name), {
          ...workerOptions,
          connection: workerConnection(),
          concurrency: 1,
        }),
      );
  };

  const workerReadiness = () => {
    const roles: Partial<Record<Role, true | string>> = {};
    for (const [role, own] of workersByRole) {
      const stopped = own.filter((w) => !w.isRunning()).map((w) => w.name);
      roles[role] = stopped.length ? `${stopped.join(", ")} worker not running` : true;
    }
    const chromium = cards?.readiness() ?? null;
    // Cards are an extra, but a Chromium that will not start means every card is missing until someone looks.
    if (chromium && !chromium.ready && roles.ingest === true) roles.ingest = `chromium ${chromium.chromium}`;
    return { roles, chromium: chromium?.chromium ?? null };
  };

  const close = async (graceMs = 10_000) => {
    // A worker closed while its connection is still being set up leaves commands queued on it, which disconnecting rejects unhandled.
    await Promise.race([
      Promise.allSettled(workers.map((w) => w.waitUntilReady())),
      new Promise((r) => setTimeout(r, 2000).unref()),
    ]);
    const closing = Promise.all(workers.map((w) => w.close()));
    const timedOut = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
    ]);
    if (timedOut) {
      log.warn({ graceMs }, "in-flight jobs did not finish in time; they will be retried by another worker");
      await Promise.all(workers.map((w) => w.close(true)));
    }
    await bots.stop();
    await untrusted.close();
    await Promise.all([
      ingestQueue.close(),
      deliverQueue.close(),
      pollQueue.close(),
      maintenanceQueue.close(),
      alertQueue.close(),
    ]);
    await cards?.close();
    for (const redis of ownConnections) redis.disconnect();
    await store.close();
  };

  return {
    config,
    log,
    store,
    connection,
    claimOnce,
    ingestQueue,
    deliverQueue,
    pollQueue,
    maintenanceQueue,
    alertQueue,
    untrusted,
    context,
    metrics,
    bots,
    workers,
    startWorkers,
    workerReadiness,
    close,
  };
}

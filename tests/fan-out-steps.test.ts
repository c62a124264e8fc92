import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import { FAN_OUT_STEP, fanOut } from "../jobs/pipeline/ingest.ts";
import { type DeliverJobData, deliverJobId, QueueName } from "../jobs/queues.ts";
import { openStore, type Store } from "../src/store/index.ts";
import { outageArticle } from "./fixtures/store/articles.ts";
import { REDIS_URL, testConfig } from "./helpers/pipeline.ts";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/**
 * A fan-out is recorded and queued in steps, so the first channels get the post while the rest
 * are still being queued. A fan-out stopped between two steps (here: a destination the store does
 * not know yet makes the second step fail) must converge when its job is retried: every
 * destination queued, none twice, the first step's jobs left as they were.
 */
it("a fan-out stopped between steps converges on its retry: every destination queued exactly once", async () => {
  const { config, cleanup } = testConfig({});
  closers.push(cleanup);
  const store: Store = await openStore({ path: config.database.path });
  closers.push(() => store.close());
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  closers.push(async () => connection.disconnect());
  const deliverQueue = new Queue<DeliverJobData>(QueueName.deliver, { connection, prefix: config.redis.prefix });
  closers.push(() => deliverQueue.close());

  const destinations = Array.from({ length: FAN_OUT_STEP * 2 + 100 }, (_, i) => `hook-${i}`);
  const late = destinations[FAN_OUT_STEP + 10] as string;
  for (const id of destinations)
    if (id !== late) await store.upsertDestination({ id, type: "discord-webhook", config: {} });
  await store.upsertFeed({ id: "wire", type: "webhook", config: {}, destinationIds: [] });
  const article = outageArticle();
  const { version } = await store.upsertArticle(article, "wire");
  const deps = { store, config, deliverQueue };

  await expect(fanOut(article, version, destinations, deps)).rejects.toThrow(
    `to ${FAN_OUT_STEP} destinations: the article version or one of the destinations is not stored`,
  );
  // The first step went out whole; nothing of the failed step was queued.
  expect(await deliverQueue.count()).toBe(FAN_OUT_STEP);

  await store.upsertDestination({ id: late, type: "discord-webhook", config: {} });
  await fanOut(article, version, destinations, deps);
  const jobs = await deliverQueue.getJobs(["waiting"], 0, -1);
  expect(jobs).toHaveLength(destinations.length);
  expect(new Set(jobs.map((job) => job.id))).toEqual(
    new Set(destinations.map((destinationId) => deliverJobId({ articleId: article.id, version, destinationId }))),
  );
  expect((await store.countByState()).pending).toBe(destinations.length);
});

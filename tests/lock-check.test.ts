import { randomUUID } from "node:crypto";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { processDelivery } from "../jobs/pipeline/deliver.ts";
import { fanOut } from "../jobs/pipeline/ingest.ts";
import { batchedLockCheck } from "../jobs/pipeline/lock-check.ts";
import { QueueName } from "../jobs/queues.ts";
import { createRuntime } from "../jobs/runtime.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { outageArticle } from "./fixtures/store/articles.ts";
import { deleteKeys, REDIS_URL, silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";

/**
 * The check a delivery makes right before it sends: does this worker still hold the job? Asked by
 * many jobs at once it is one Redis call, and each job still gets its own answer.
 */
describe("batched lock check before a send", () => {
  const prefix = `herald-test-lockcheck-${randomUUID()}`;
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await deleteKeys(prefix);
  });

  it("answers each job of one turn: held (and extended) or lost, the lost one's lock gone as when Redis lost it", async () => {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    closers.push(async () => connection.disconnect());
    const queue = new Queue("deliver", { connection, prefix });
    closers.push(() => queue.close());
    const running: { job: Job; token: string }[] = [];
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = new Worker(
      "deliver",
      async (job, token) => {
        running.push({ job, token: token as string });
        await released;
      },
      { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix, concurrency: 3, lockDuration: 5000 },
    );
    // Its own renewal finds job-1's lock gone too, and says so; that is not this test's subject.
    worker.on("error", () => {});
    closers.push(async () => {
      release();
      await worker.close();
    });
    await queue.addBulk([0, 1, 2].map((i) => ({ name: "deliver", data: { i }, opts: { jobId: `job-${i}` } })));
    await waitFor(() => running.length === 3, 10_000, "three jobs running");

    // job-1's lock is gone (Redis restarted empty, or it lapsed and another worker took the job).
    await connection.del(`${prefix}:deliver:job-1:lock`);
    await connection.pexpire(`${prefix}:deliver:job-0:lock`, 1000);
    // BullMQ's own call, counted on its way through.
    let calls = 0;
    const counted = {
      extendJobLocks: (ids: string[], tokens: string[], duration: number) => {
        calls++;
        return worker.extendJobLocks(ids, tokens, duration);
      },
    };
    const holdsLock = batchedLockCheck(() => counted, 30_000);
    const answers = await Promise.all(running.map(({ job, token }) => holdsLock(job, token)));

    const byId = Object.fromEntries(running.map(({ job }, i) => [job.id, answers[i]]));
    expect(byId).toEqual({ "job-0": true, "job-1": false, "job-2": true });
    // Held locks run for the new duration; the lost one was not recreated.
    expect(await connection.pttl(`${prefix}:deliver:job-0:lock`)).toBeGreaterThan(20_000);
    expect(await connection.exists(`${prefix}:deliver:job-1:lock`)).toBe(0);
    // One Redis call for the three checks.
    expect(calls).toBe(1);
  });

  it("a delivery whose job this worker no longer holds sends nothing and leaves its row pending", async () => {
    const discord = await DiscordFake.start();
    closers.push(() => discord.close());
    const t = testConfig({
      cards: { enabled: false },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
    });
    closers.push(async () => t.cleanup());
    // No workers of its own: the one below runs Herald's delivery, its lock taken away first.
    const runtime = await createRuntime(t.config, { log: silentLog });
    closers.push(() => runtime.close(0));
    const article = outageArticle();
    const { version } = await runtime.store.upsertArticle(article, null);
    await fanOut(article, version, ["d"], runtime.context);

    const outcome: { error?: Error } = {};
    const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(
      QueueName.deliver,
      async (job, token) => {
        // Gone as when Redis restarted empty, or when the lock lapsed and another worker took the job.
        await runtime.connection.del(`${t.config.redis.prefix}:${QueueName.deliver}:${job.id}:lock`);
        return processDelivery(job, token, runtime.context, holdsLock).catch((error: Error) => {
          outcome.error = error;
          throw error;
        });
      },
      { connection: workerConnection, prefix: t.config.redis.prefix },
    );
    worker.on("error", () => {});
    closers.push(async () => workerConnection.disconnect());
    closers.push(() => worker.close(true));
    const holdsLock = batchedLockCheck(() => worker, 30_000);

    await waitFor(() => outcome.error, 10_000, "the delivery to stop");
    expect(outcome.error?.message).toMatch(/no longer holds the job.*not sending/);
    expect(discord.messages).toHaveLength(0);
    // Not marked sending: whoever holds the job now (recovery's copy, another worker) sends it once.
    expect(await runtime.store.getDelivery(article.id, version, "d")).toMatchObject({ state: "pending", attempts: 0 });
  });

  it("a check whose Redis call fails rejects (the send does not go out unconfirmed)", async () => {
    const worker = new Worker("deliver", async () => {}, {
      connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
      prefix,
      autorun: false,
    });
    closers.push(() => worker.close(true));
    (await worker.client).disconnect();
    const holdsLock = batchedLockCheck(() => worker, 30_000);
    await expect(holdsLock({ id: "job-9" } as Job, "token")).rejects.toThrow(/closed/i);
  });
});

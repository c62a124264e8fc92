import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../jobs/log.ts";
import { processIngest } from "../jobs/pipeline/ingest.ts";
import { deliverJobId } from "../jobs/queues.ts";
import { checkRedisPersistence } from "../jobs/recovery/persistence.ts";
import { parseRoles } from "../jobs/roles.ts";
import { createRuntime } from "../jobs/runtime.ts";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { lineSink } from "./helpers/log.ts";
import { silentLog, sleep, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";
import { privateRedis } from "./helpers/private-redis.ts";
import { rssSite } from "./helpers/rss-site.ts";

/** A logger whose lines the test can read (as parsed JSON). */
function capturedLog(level = "info") {
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const log = createLogger(
    level,
    lineSink((line) => lines.push(JSON.parse(line))),
  );
  return { log, lines, saying: (pattern: RegExp) => lines.filter((l) => pattern.test(l.msg)) };
}

describe("self-healing when Redis loses jobs", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("the sweep re-queues a pending delivery whose job was deleted by hand, and it is posted once", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const t = testConfig({
      cards: { enabled: false },
      delivery: {
        attempts: 4,
        backoff: "200ms",
        concurrency: 5,
        timeout: "5s",
        lockDuration: "5s",
        sweepInterval: "1s",
      },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [{ id: "inbox", type: "webhook", token: "t", destinations: ["d"] }],
    });
    cleanups.push(t.cleanup);
    // At debug level each sweep that finds nothing to do says so: the test waits for those.
    const { log, saying } = capturedLog("debug");
    // No workers yet: the job is deleted before anyone could take it.
    const service = await startService(t.config, { log, roles: parseRoles("bots") });
    cleanups.push(() => service.stop(3000));
    const { runtime } = service;

    const outcome = await processIngest(
      { feedId: "inbox", input: "lost-job.md", kind: "post", raw: plainPost(1) },
      { ...runtime.context, renderer: async () => null },
    );
    expect(outcome).toMatchObject({ status: "stored", queued: 1 });
    const articleId = outcome.status === "stored" ? outcome.articleId : "";
    const jobId = deliverJobId({ articleId, version: 1, destinationId: "d" });
    await runtime.deliverQueue.remove(jobId);
    expect(await runtime.deliverQueue.getJobState(jobId)).toBe("unknown");
    runtime.startWorkers();

    const [message] = await discord.waitForMessages(1, 20_000);
    expect(message?.body.embeds[0].title).toBe("Plain post 1");
    await waitFor(
      async () => (await runtime.store.getDelivery(articleId, 1, "d"))?.state === "delivered",
      10_000,
      "the delivery to be recorded",
    );
    expect(saying(/^sweep: 1 pending\/sending deliveries had no job; re-queued$/)).toHaveLength(1);
    // Later sweeps find the job (completed) and queue nothing more. The first quiet sweep may have
    // begun before the delivery was recorded; the second began after it.
    const quietSweeps = saying(/^sweep: every unfinished delivery has its job$/).length;
    await waitFor(
      () => saying(/^sweep: every unfinished delivery has its job$/).length >= quietSweeps + 2,
      10_000,
      "two more sweeps",
    );
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages).toHaveLength(1);
    expect(saying(/^sweep: \d+ pending/)).toHaveLength(1);
  });

  it("Redis emptied while Herald was stopped: herald start re-queues the unfinished deliveries it finds in the store", async () => {
    const redis = await privateRedis("none");
    const discord = await DiscordFake.start();
    cleanups.push(redis.cleanup, () => discord.close());
    const t = testConfig({
      redis: { url: redis.url, prefix: "herald" },
      cards: { enabled: false },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [{ id: "inbox", type: "webhook", token: "t", destinations: ["d"] }],
    });
    cleanups.push(t.cleanup);
    // An earlier run fanned out and stopped before delivering; then Redis restarted empty.
    const earlier = await createRuntime(t.config, { log: silentLog });
    await processIngest(
      { feedId: "inbox", input: "stranded.md", kind: "post", raw: plainPost(1) },
      { ...earlier.context, renderer: async () => null },
    );
    await earlier.close(0);
    await redis.stop();
    await redis.start();

    const { log, saying } = capturedLog();
    const service = await startService(t.config, { log, roles: parseRoles("sources,bots,ingest,deliver") });
    cleanups.push(() => service.stop(3000));
    const [message] = await discord.waitForMessages(1, 20_000);
    expect(message?.body.embeds[0].title).toBe("Plain post 1");
    expect(saying(/^started on a Redis without Herald's marker: 1 deliveries re-queued$/)).toHaveLength(1);
    expect(saying(/^Redis lost its data/)).toEqual([]);
  });

  it("after FLUSHALL with nothing pending: each process logs the loss once, one recovers, the feed and housekeeping schedules come back, polling goes on, and nothing is sent again", async () => {
    const redis = await privateRedis("none");
    const discord = await DiscordFake.start();
    const site = await rssSite();
    cleanups.push(
      redis.cleanup,
      () => discord.close(),
      () => site.close(),
    );
    const t = testConfig({
      redis: { url: redis.url, prefix: "herald" },
      cards: { enabled: false },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [
        { id: "inbox", type: "webhook", token: "t", destinations: ["d"] },
        { id: "status", type: "rss", url: site.url, interval: "1s", destinations: ["d"] },
      ],
    });
    cleanups.push(t.cleanup);
    const { log, saying } = capturedLog();
    const service = await startService(t.config, { log, roles: parseRoles("sources,bots,ingest,deliver") });
    cleanups.push(() => service.stop(3000));
    // A second process of the fleet (same Redis, same database file).
    const other = capturedLog();
    const second = await startService(t.config, { log: other.log, roles: parseRoles("sources,bots,ingest,deliver") });
    cleanups.push(() => second.stop(3000));
    const { runtime } = service;
    await runtime.ingestQueue.add("ingest", { feedId: "inbox", input: "before.md", kind: "post", raw: plainPost(1) });
    await discord.waitForMessages(1, 15_000);
    await waitFor(
      async () => (await runtime.store.countByState()).delivered === 1,
      10_000,
      "the delivery to be recorded",
    );
    await waitFor(() => site.polls.length >= 2, 15_000, "the feed to be polled");

    const admin = new Redis(redis.url);
    cleanups.push(() => void admin.disconnect());
    await admin.flushall();
    const flushedAt = Date.now();
    expect(await runtime.pollQueue.getJobSchedulers()).toEqual([]);

    await waitFor(
      async () => (await runtime.pollQueue.getJobSchedulers()).some((s) => s.key === "status"),
      30_000,
      "the feed's schedule to be re-created",
    );
    await waitFor(
      async () => (await runtime.maintenanceQueue.getJobSchedulers()).some((s) => s.key === "prune-cards"),
      10_000,
      "the prune-cards schedule",
    );
    await waitFor(() => site.pollsSince(flushedAt) >= 2, 20_000, "the feed to be polled again");
    await waitFor(
      () => saying(/^Redis lost its data/).length && other.saying(/^Redis lost its data/).length,
      10_000,
      "both processes to notice",
    );
    expect(saying(/^Redis lost its data/)).toHaveLength(1);
    expect(other.saying(/^Redis lost its data/)).toHaveLength(1);
    const recoveries = [
      ...saying(/^recovered from Redis losing its data/),
      ...other.saying(/^recovered from Redis losing its data/),
    ];
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]?.msg).toMatch(/: 0 deliveries re-queued/);
    // Both processes share these queues and this store: drained here is drained for the fleet.
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages).toHaveLength(1);
    expect(await runtime.store.countByState()).toMatchObject({ delivered: 1, pending: 0, sending: 0 });
  });
});

describe("Redis persistence check at start", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("warns once for a Redis without AOF or RDB, and not for one with an append-only file", async () => {
    const bare = await privateRedis("none");
    const aof = await privateRedis("aof");
    cleanups.push(bare.cleanup, aof.cleanup);
    for (const [server, expected] of [
      [bare, "none"],
      [aof, "aof"],
    ] as const) {
      const client = new Redis(server.url);
      const { log, saying } = capturedLog();
      try {
        expect(await checkRedisPersistence(client, log)).toBe(expected);
      } finally {
        client.disconnect();
      }
      expect(saying(/^Redis has no persistence/)).toHaveLength(expected === "none" ? 1 : 0);
    }
  });

  it("herald start on a Redis without persistence says so once", async () => {
    const bare = await privateRedis("none");
    cleanups.push(bare.cleanup);
    const t = testConfig({ redis: { url: bare.url, prefix: "herald" }, cards: { enabled: false } });
    cleanups.push(t.cleanup);
    const { log, saying } = capturedLog();
    const service = await startService(t.config, { log, roles: parseRoles("sources,bots,ingest,deliver") });
    cleanups.push(() => service.stop(2000));
    await waitFor(() => saying(/^Redis has no persistence/).length, 10_000, "the warning");
    await sleep(500);
    expect(saying(/^Redis has no persistence/)).toHaveLength(1);
    expect(saying(/^Redis has no persistence/)[0]?.level).toBe(40);
  });
});

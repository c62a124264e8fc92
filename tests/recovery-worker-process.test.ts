import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../jobs/runtime.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { spawnHerald } from "./helpers/herald.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";
import { privateRedis } from "./helpers/private-redis.ts";

const DESTINATIONS = 200;

describe("a herald worker process heals a Redis that lost its data", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("after FLUSHALL in the middle of a fan-out, the only process (a worker) re-queues the lost jobs and every webhook gets the post", async () => {
    const redis = await privateRedis("none");
    const discord = await DiscordFake.start({ responseDelayMs: 100 });
    cleanups.push(redis.cleanup, () => discord.close());
    const destinations = Array.from({ length: DESTINATIONS }, (_, i) => ({
      id: `d${i}`,
      type: "discord-webhook",
      url: discord.webhookUrl(),
    }));
    const feeds = [{ id: "inbox", type: "webhook", token: "t", destinations: destinations.map((d) => d.id) }];
    const delivery = { attempts: 5, backoff: "200ms", concurrency: 5, timeout: "5s", lockDuration: "5s" };
    const t = testConfig({
      redis: { url: redis.url, prefix: "herald" },
      cards: { enabled: false },
      delivery,
      destinations,
      feeds,
    });
    cleanups.push(t.cleanup);
    const configPath = join(t.dir, "herald.yaml");
    writeFileSync(configPath, JSON.stringify({ ...t.config, delivery, feeds, log: { level: "info" } }));
    // A worker that also ingests: the fan-out starts in it, and it is the only process left to heal.
    const worker = spawnHerald(["worker", "--roles", "ingest,deliver", "--config", configPath]);
    cleanups.push(() => void worker.kill("SIGKILL"));
    await waitFor(() => worker.output().includes("herald worker started"), 30_000, "the worker to start");
    // This process only queues (no workers, no recovery): the worker child is the fleet.
    const runtime = await createRuntime(t.config, { log: silentLog });
    cleanups.push(() => runtime.close(0));

    await runtime.ingestQueue.add("ingest", { feedId: "inbox", input: "fan-out.md", kind: "post", raw: plainPost(1) });
    await waitFor(
      async () => (await runtime.store.countByState()).delivered >= 20,
      30_000,
      "the fan-out to be under way",
    );
    const admin = new Redis(redis.url);
    cleanups.push(() => void admin.disconnect());
    await admin.flushall();
    expect((await runtime.store.countByState()).delivered).toBeLessThan(DESTINATIONS / 2);

    await waitFor(
      () => new Set(discord.messages.map((m) => m.webhookId)).size === DESTINATIONS,
      60_000,
      "every webhook to get the post",
    );
    await waitFor(
      async () => (await runtime.store.countByState()).delivered === DESTINATIONS,
      15_000,
      "every delivery to be recorded",
    );
    const output = worker.output();
    expect(output.match(/Redis lost its data/g)).toHaveLength(1);
    expect(output.match(/Redis has no persistence/g)).toHaveLength(1);
    expect(output).toMatch(/"requeued":\d+/);
    // Repeats only among the deliveries in flight at the flush: at most one per worker slot.
    expect(discord.messages.length - DESTINATIONS).toBeLessThanOrEqual(delivery.concurrency);
    worker.kill("SIGTERM");
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});

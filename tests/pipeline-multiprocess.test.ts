import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseRoles } from "../jobs/roles.ts";
import { createRuntime } from "../jobs/runtime.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { type HeraldProcess, spawnHerald } from "./helpers/herald.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const DESTINATIONS = 5000;
const CONCURRENCY = 50;

describe("two worker processes on one SQLite file", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(`deliver one article to ${DESTINATIONS} webhooks exactly once, with no 'database is locked' failure`, async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const destinations = Array.from({ length: DESTINATIONS }, (_, i) => ({
      id: `d${i}`,
      type: "discord-webhook",
      url: discord.webhookUrl(),
    }));
    const feeds = [{ id: "inbox", type: "webhook", token: "t", destinations: destinations.map((d) => d.id) }];
    const delivery = { attempts: 5, backoff: "200ms", concurrency: CONCURRENCY, timeout: "5s", lockDuration: "10s" };
    const t = testConfig({ cards: { enabled: false }, delivery, destinations, feeds });
    cleanups.push(t.cleanup);
    const configPath = join(t.dir, "herald.yaml");
    // JSON is YAML: the children read the same config (same SQLite file) through the real loader; warn shows failed jobs.
    writeFileSync(configPath, JSON.stringify({ ...t.config, delivery, feeds, log: { level: "warn" } }));
    const runtime = await createRuntime(t.config, { log: silentLog });
    cleanups.push(() => runtime.close(0));
    // `herald worker` only delivers: this process parses the post and fans it out to the workers.
    runtime.startWorkers(parseRoles("ingest"));

    const workers: HeraldProcess[] = [];
    for (let i = 0; i < 2; i++) {
      const worker = spawnHerald(["worker", "--config", configPath]);
      cleanups.push(() => void worker.kill("SIGKILL"));
      workers.push(worker);
    }
    await runtime.ingestQueue.add("ingest", {
      feedId: "inbox",
      input: "two-workers.md",
      kind: "post",
      raw: plainPost(1),
    });

    await waitFor(
      async () => (await runtime.store.countByState()).delivered === DESTINATIONS,
      100_000,
      `the store to record ${DESTINATIONS} deliveries`,
    );
    const perWebhook = new Map<string | null, number>();
    for (const m of discord.messages) perWebhook.set(m.webhookId, (perWebhook.get(m.webhookId) ?? 0) + 1);
    const duplicates = discord.messages.length - perWebhook.size;
    const logs = workers.map((w) => w.output()).join("\n");
    const locked = logs.split("\n").filter((line) => /database is locked/i.test(line));

    expect(perWebhook.size).toBe(DESTINATIONS);
    expect(duplicates).toBe(0);
    expect(locked).toEqual([]);
    expect(await runtime.deliverQueue.getFailedCount()).toBe(0);
    // Both processes lived through the fan-out.
    expect(workers.every((w) => w.exitCode === null)).toBe(true);
    for (const worker of workers) worker.kill("SIGTERM");
    for (const worker of workers) expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, 150_000);
});

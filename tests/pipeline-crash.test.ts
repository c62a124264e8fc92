import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseRoles } from "../jobs/roles.ts";
import { createRuntime } from "../jobs/runtime.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { spawnHerald } from "./helpers/herald.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const DESTINATIONS = 40;
const CONCURRENCY = 5;

describe("worker processes: crashes and shutdown", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(responseDelayMs: number) {
    const discord = await DiscordFake.start({ responseDelayMs });
    cleanups.push(() => discord.close());
    const destinations = Array.from({ length: DESTINATIONS }, (_, i) => ({
      id: `d${i}`,
      type: "discord-webhook",
      url: discord.webhookUrl(),
    }));
    const t = testConfig({
      cards: { enabled: false },
      delivery: { attempts: 5, backoff: "200ms", concurrency: CONCURRENCY, timeout: "5s", lockDuration: "2s" },
      destinations,
      feeds: [{ id: "inbox", type: "webhook", token: "t", destinations: destinations.map((d) => d.id) }],
    });
    cleanups.push(t.cleanup);
    const configPath = join(t.dir, "herald.yaml");
    // JSON is YAML: the child reads the same config through the real loader.
    writeFileSync(
      configPath,
      JSON.stringify({
        ...t.config,
        delivery: { attempts: 5, backoff: "200ms", concurrency: CONCURRENCY, timeout: "5s", lockDuration: "2s" },
        feeds: [{ id: "inbox", type: "webhook", token: "t", destinations: destinations.map((d) => d.id) }],
      }),
    );
    const runtime = await createRuntime(t.config, { log: silentLog });
    cleanups.push(() => runtime.close(0));
    // `herald worker` only delivers: this process parses the post and fans it out to the workers.
    runtime.startWorkers(parseRoles("ingest"));
    return { discord, configPath, runtime };
  }

  it("loses nothing when a worker is SIGKILLed mid-fan-out: a new worker delivers the rest, duplicates limited to jobs in flight", async () => {
    const { discord, configPath, runtime } = await setup(150);
    const first = spawnHerald(["worker", "--config", configPath]);
    cleanups.push(() => void first.kill("SIGKILL"));
    await runtime.ingestQueue.add("ingest", {
      feedId: "inbox",
      input: "crash-test.md",
      kind: "post",
      raw: plainPost(1),
    });

    await waitFor(() => discord.messages.length >= 10, 30_000, "ten deliveries before the kill");
    first.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const beforeRestart = discord.messages.length;
    expect(beforeRestart).toBeLessThan(DESTINATIONS);

    const second = spawnHerald(["worker", "--config", configPath]);
    cleanups.push(() => void second.kill("SIGKILL"));
    await waitFor(
      () => new Set(discord.messages.map((m) => m.webhookId)).size === DESTINATIONS,
      60_000,
      `all ${DESTINATIONS} destinations`,
    );
    await waitFor(
      async () => (await runtime.store.countByState()).delivered === DESTINATIONS,
      10_000,
      "store to record every delivery",
    );

    const duplicates = discord.messages.length - DESTINATIONS;
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
    second.kill("SIGTERM");
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it("on SIGTERM finishes the jobs in flight and exits 0", async () => {
    const { discord, configPath, runtime } = await setup(800);
    const worker = spawnHerald(["worker", "--config", configPath]);
    cleanups.push(() => void worker.kill("SIGKILL"));
    await runtime.ingestQueue.add("ingest", {
      feedId: "inbox",
      input: "term-test.md",
      kind: "post",
      raw: plainPost(2),
    });
    await waitFor(() => discord.requests.length >= 1, 30_000, "a delivery in flight");
    worker.kill("SIGTERM");
    const started = Date.now();
    const result = await worker.exited;
    expect(result).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10_000);
    // Every request the fake answered was recorded as delivered: nothing was cut off mid-send.
    const answered = discord.messages.length;
    expect(answered).toBeGreaterThan(0);
    expect((await runtime.store.countByState()).delivered).toBe(answered);
  });
});

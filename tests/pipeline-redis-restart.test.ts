import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { silentLog, sleep, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

/** A private redis-server (with an append-only file, as production should run it) that the test can stop and start. */
async function privateRedis() {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), "herald-redis-"));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""], { stdio: "ignore" });
    await waitFor(async () => {
      const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on("error", () => {});
      try {
        await probe.connect();
        return (await probe.ping()) === "PONG";
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, 10_000, "redis-server to start");
  };
  const stop = async () => {
    const running = child;
    if (!running) return;
    const gone = new Promise((r) => running.once("exit", r));
    running.kill("SIGKILL");
    await gone;
    child = null;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}/0`, start, stop, cleanup: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe("Redis restarting mid-run", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("reconnects by itself and keeps delivering", async () => {
    const redis = await privateRedis();
    const discord = await DiscordFake.start();
    cleanups.push(redis.cleanup, () => discord.close());
    const t = testConfig({
      redis: { url: redis.url, prefix: "herald" },
      cards: { enabled: false },
      ingest: { token: "t" },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [{ id: "inbox", type: "webhook", destinations: ["d"] }],
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(3000));
    const ingest = (n: number) =>
      fetch(`http://127.0.0.1:${service.port}/ingest`, { method: "POST", headers: { authorization: "Bearer t", "content-type": "text/markdown" }, body: plainPost(n) });

    expect((await ingest(1)).status).toBe(202);
    await discord.waitForMessages(1, 15_000);

    await redis.stop();
    const down = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    expect(down.status).toBe(503);
    await sleep(500);
    await redis.start();

    await waitFor(async () => (await fetch(`http://127.0.0.1:${service.port}/healthz`)).status === 200, 20_000, "health to recover");
    expect((await ingest(2)).status).toBe(202);
    const messages = await discord.waitForMessages(2, 20_000);
    expect(messages[1]?.body.embeds[0].title).toBe("Plain post 2");
  });
});

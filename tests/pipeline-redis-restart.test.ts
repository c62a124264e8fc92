import { afterEach, describe, expect, it } from "vitest";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";
import { privateRedis } from "./helpers/private-redis.ts";

describe("Redis restarting mid-run", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("reconnects by itself and keeps delivering", async () => {
    // With an append-only file, as production should run it: the restart keeps the queues.
    const redis = await privateRedis("aof");
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
      fetch(`http://127.0.0.1:${service.port}/ingest`, {
        method: "POST",
        headers: { authorization: "Bearer t", "content-type": "text/markdown" },
        body: plainPost(n),
      });

    expect((await ingest(1)).status).toBe(202);
    await discord.waitForMessages(1, 15_000);

    await redis.stop();
    const down = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    expect(down.status).toBe(503);
    // Restart only once Herald's client has lost the server and is trying again, the path under test.
    await waitFor(
      () => service.runtime.connection.status === "reconnecting",
      10_000,
      "the Redis client to start reconnecting",
    );
    await redis.start();

    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${service.port}/healthz`)).status === 200,
      20_000,
      "health to recover",
    );
    expect((await ingest(2)).status).toBe(202);
    const messages = await discord.waitForMessages(2, 20_000);
    expect(messages[1]?.body.embeds[0].title).toBe("Plain post 2");
  });
});

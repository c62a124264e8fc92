import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../jobs/log.ts";
import { parseRoles } from "../jobs/roles.ts";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { lineSink } from "./helpers/log.ts";
import { testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";
import { privateRedis } from "./helpers/private-redis.ts";
import { rssSite } from "./helpers/rss-site.ts";

const DESTINATIONS = 3000;

describe("Redis restarted without persistence in the middle of a fan-out", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(`every one of ${DESTINATIONS} webhooks gets the post within 60 s of the restart, repeats only among deliveries in flight, and RSS polling goes on`, async () => {
    const redis = await privateRedis("none");
    // Slow answers keep the fan-out going long enough to cut it in the middle.
    const discord = await DiscordFake.start({ responseDelayMs: 40 });
    const site = await rssSite();
    cleanups.push(
      redis.cleanup,
      () => discord.close(),
      () => site.close(),
    );
    const destinations = Array.from({ length: DESTINATIONS }, (_, i) => ({
      id: `d${i}`,
      type: "discord-webhook",
      url: discord.webhookUrl(),
    }));
    const t = testConfig({
      redis: { url: redis.url, prefix: "herald" },
      cards: { enabled: false },
      delivery: { attempts: 5, backoff: "200ms", concurrency: 25, timeout: "5s", lockDuration: "5s" },
      destinations,
      feeds: [
        { id: "inbox", type: "webhook", token: "t", destinations: destinations.map((d) => d.id) },
        { id: "status", type: "rss", url: site.url, interval: "1s", destinations: ["d0"] },
      ],
    });
    cleanups.push(t.cleanup);
    const lines: { msg: string }[] = [];
    const log = createLogger(
      "info",
      lineSink((line) => lines.push(JSON.parse(line))),
    );
    const service = await startService(t.config, { log, roles: parseRoles("sources,bots,ingest,deliver") });
    cleanups.push(() => service.stop(3000));
    const { runtime } = service;

    await runtime.ingestQueue.add("ingest", { feedId: "inbox", input: "fan-out.md", kind: "post", raw: plainPost(1) });
    await waitFor(
      async () => (await runtime.store.countByState()).delivered >= DESTINATIONS / 5,
      60_000,
      "a fifth of the fan-out to be delivered",
    );
    // In flight at the restart: taken by a worker (active job) or marked sending in the store, whichever is more.
    const active = await runtime.deliverQueue.getActiveCount();
    const before = await runtime.store.countByState();
    await redis.stop();
    const messagesAtStop = discord.messages.length;
    // Restart only once Herald's client has lost the server and is trying again.
    await waitFor(() => runtime.connection.status === "reconnecting", 10_000, "the Redis client to start reconnecting");
    await redis.start();
    const restartedAt = Date.now();
    const inFlight = Math.max(active, before.sending);
    expect(before.delivered).toBeLessThan(DESTINATIONS * 0.8);

    const perWebhook = () => new Set(discord.messages.map((m) => m.webhookId)).size;
    await waitFor(
      () => perWebhook() === DESTINATIONS,
      60_000,
      `all ${DESTINATIONS} webhooks to get the post within 60 s of the restart`,
    );
    await waitFor(
      async () => (await runtime.store.countByState()).delivered === DESTINATIONS,
      20_000,
      "every delivery to be recorded",
    );
    await waitFor(() => site.pollsSince(restartedAt) >= 2, 20_000, "the RSS feed to be polled after the restart");

    // Nothing left to run and nothing unanswered: a late duplicate would be in by now.
    await waitForServiceDrained(service, { fakes: [discord] });
    const duplicates = discord.messages.length - perWebhook();
    console.log(
      `restart at ${before.delivered} delivered (${messagesAtStop} messages), in flight ${inFlight} (active ${active}, sending ${before.sending}); ` +
        `all delivered ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart; duplicates ${duplicates}`,
    );
    expect(duplicates).toBeLessThanOrEqual(inFlight);
    expect(lines.filter((l) => /^Redis lost its data/.test(l.msg))).toHaveLength(1);
    expect(await runtime.store.countByState()).toMatchObject({
      delivered: DESTINATIONS,
      pending: 0,
      sending: 0,
      failed: 0,
    });
  }, 180_000);
});

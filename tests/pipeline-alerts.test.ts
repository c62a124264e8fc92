import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deliverJobId } from "../jobs/queues.ts";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake, fakeSnowflake } from "./fakes/discord/server.ts";
import { startLoopbackServer } from "./fakes/http.ts";
import { runHerald } from "./helpers/herald.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const TOKEN = "test-ingest-token";
const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Status</title><link>https://status.example.org/</link>
<item><title>Old news</title><link>https://status.example.org/old</link><guid>old</guid></item>
</channel></rss>`;

/** A feed server whose answer the test switches between 500 and a valid feed, noting when each request arrived. */
async function switchableFeed() {
  let status = 500;
  const hits: number[] = [];
  const server = await startLoopbackServer((_req, res) => {
    hits.push(Date.now());
    res.writeHead(status, { "content-type": status === 200 ? "application/rss+xml" : "text/plain" });
    res.end(status === 200 ? FEED : "Internal Server Error");
  });
  const answer = (next: number) => {
    status = next;
  };
  return { url: `${server.baseUrl}/feed.xml`, hits, answer, close: () => server.close() };
}

/** The alert channel and a member channel as two webhooks on one Discord fake; each message is told apart by its webhook. */
function webhooks(discord: DiscordFake) {
  const opsId = fakeSnowflake();
  const newsId = fakeSnowflake();
  const newsToken = randomBytes(51).toString("base64url");
  return {
    opsUrl: discord.webhookUrl(opsId),
    /** The member channel's URL; its webhook exists only once `restoreNews` is called (until then Discord answers 404 Unknown Webhook). */
    newsUrl: `${discord.api}/webhooks/${newsId}/${newsToken}`,
    restoreNews: () => discord.webhookUrl(newsId, newsToken),
    ops: () => discord.messages.filter((m) => m.webhookId === opsId),
    news: () => discord.messages.filter((m) => m.webhookId === newsId),
  };
}

const titles = (messages: { body: { embeds: { title: string }[] } }[]) => messages.map((m) => m.body.embeds[0]?.title);

describe("health alerts into the admins' channel (real service, Redis, SQLite, Discord fake)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Starts the service, and writes its config where `herald status --config` (a separate process) reads it. */
  async function start(raw: Record<string, unknown>): Promise<Service & { configPath: string }> {
    const t = testConfig({ cards: { enabled: false }, ingest: { token: TOKEN }, ...raw });
    cleanups.push(t.cleanup);
    const configPath = join(t.dir, "herald.yaml");
    writeFileSync(
      configPath,
      JSON.stringify({
        ...raw,
        cards: { enabled: false },
        ingest: { token: TOKEN },
        redis: t.config.redis,
        database: t.config.database,
        log: { level: "silent" },
      }),
    );
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    return Object.assign(service, { configPath });
  }

  /** Waits until the store has recorded a poll that started after `hit` (a positive signal that the poll was handled). */
  async function pollHandledAfter(service: Service, feedId: string, hit: number) {
    await waitFor(
      async () => Date.parse((await service.runtime.store.getFeed(feedId))?.lastPolledAt ?? "") >= hit,
      20_000,
      `a poll of ${feedId} after ${hit} recorded`,
    );
  }

  it("a feed answering 500 three times alerts once, only in the alert channel; it stays quiet while broken, then recovers once", async () => {
    const discord = await DiscordFake.start();
    const feed = await switchableFeed();
    cleanups.push(
      () => discord.close(),
      () => feed.close(),
    );
    const hooks = webhooks(discord);
    hooks.restoreNews();
    const service = await start({
      destinations: [
        { id: "ops", type: "discord-webhook", url: hooks.opsUrl },
        { id: "news", type: "discord-webhook", url: hooks.newsUrl },
      ],
      feeds: [{ id: "status", type: "rss", url: feed.url, interval: "1s", destinations: ["news"] }],
      alerts: { destination: "ops", after: 3 },
    });
    // The alert channel's first answer is a 503: posting the alert is retried, and it still arrives once.
    discord.failNext(1, 503);

    await waitFor(() => hooks.ops().length >= 1, 30_000, "the alert");
    expect(discord.requests.filter((r) => r.status === 503)).toHaveLength(1);
    expect(feed.hits.length).toBeGreaterThanOrEqual(3);
    expect(titles(hooks.ops())).toEqual(["⚠️ Feed status is failing"]);
    const alert = JSON.stringify(hooks.ops()[0]?.body);
    expect(alert).toContain(`Reason: ${feed.url}: HTTP 500`);
    expect(alert).toContain("check the feed URL");

    // Still broken: two more failed polls are recorded, and no second alert comes.
    const seen = feed.hits.length;
    await waitFor(() => feed.hits.length >= seen + 2, 20_000, "two more polls");
    await pollHandledAfter(service, "status", feed.hits[seen + 1] ?? 0);
    expect(hooks.ops()).toHaveLength(1);

    // herald status lists the open alert, for operators who look there rather than in chat.
    const status = await runHerald(["status", "--json", "--config", service.configPath]);
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout).alerts).toEqual([
      { key: "feed:status", reason: expect.stringContaining("HTTP 500"), since: expect.stringMatching(/^\d{4}-/) },
    ]);

    feed.answer(200);
    await waitFor(() => hooks.ops().length >= 2, 20_000, "the recovery");
    expect(titles(hooks.ops())).toEqual(["⚠️ Feed status is failing", "✅ Feed status works again"]);
    expect(JSON.stringify(hooks.ops()[1]?.body)).toMatch(/It was broken from \d{4}-\d\d-\d\d \d\d:\d\d UTC to /);

    // Healthy polls after the recovery announce nothing more, and the member channel never heard of any of it.
    const healthy = feed.hits.length;
    await waitFor(() => feed.hits.length >= healthy + 2, 20_000, "two healthy polls");
    await pollHandledAfter(service, "status", feed.hits[healthy + 1] ?? 0);
    expect(hooks.ops()).toHaveLength(2);
    expect(hooks.news()).toHaveLength(0);
    expect(await service.runtime.store.getAlert("feed:status")).toMatchObject({ state: "closed" });
  });

  it("a destination whose webhook is gone (404) alerts once in the alert channel, and recovers once when posting there works again", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const hooks = webhooks(discord);
    const service = await start({
      destinations: [
        { id: "ops", type: "discord-webhook", url: hooks.opsUrl },
        { id: "news", type: "discord-webhook", url: hooks.newsUrl },
      ],
      feeds: [{ id: "inbox", type: "webhook", destinations: ["news"] }],
      alerts: { destination: "ops" },
    });
    const ingest = (n: number) =>
      fetch(`http://127.0.0.1:${service.port}/ingest`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
        body: plainPost(n),
      });

    expect((await ingest(1)).status).toBe(202);
    expect((await ingest(2)).status).toBe(202);
    await waitFor(() => hooks.ops().length >= 1, 20_000, "the alert");
    // Both deliveries failed for good (a positive signal that the second one was handled too), one alert in all.
    await waitFor(
      async () => (await service.runtime.store.countByState()).failed === 2,
      20_000,
      "both deliveries failed",
    );
    expect(titles(hooks.ops())).toEqual(["⚠️ Herald can't post to news"]);
    const alert = JSON.stringify(hooks.ops()[0]?.body);
    expect(alert).toContain("Unknown Webhook");
    expect(alert).toContain("re-invite the bot");
    // The webhook's token never appears in the alert.
    expect(alert).not.toContain(new URL(hooks.newsUrl).pathname.split("/").at(-1));
    expect((await service.runtime.store.getDestination("news"))?.flaggedReason).toBeTruthy();

    hooks.restoreNews();
    expect((await ingest(3)).status).toBe(202);
    await waitFor(() => hooks.ops().length >= 2, 20_000, "the recovery");
    expect(titles(hooks.ops())).toEqual(["⚠️ Herald can't post to news", "✅ Herald can post to news again"]);
    expect(titles(hooks.news())).toEqual(["Plain post 3"]);
    expect((await service.runtime.store.getDestination("news"))?.flaggedReason).toBeNull();
  });

  it("a delivery given up alerts; an admin's retry from the dashboard sends it exactly once and recovers; retrying it again sends nothing", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const hooks = webhooks(discord);
    hooks.restoreNews();
    const service = await start({
      destinations: [
        { id: "ops", type: "discord-webhook", url: hooks.opsUrl },
        { id: "news", type: "discord-webhook", url: hooks.newsUrl },
      ],
      feeds: [{ id: "inbox", type: "webhook", destinations: ["news"] }],
      alerts: { destination: "ops" },
    });
    const { store, deliverQueue } = service.runtime;
    // testConfig allows 4 attempts: all four answer 503, and the delivery is given up.
    discord.failNext(4, 503);
    const response = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body: plainPost(7),
    });
    expect(response.status).toBe(202);
    await waitFor(() => hooks.ops().length >= 1, 30_000, "the alert");
    const [failed] = await store.listRecentDeliveries(10);
    expect(failed).toMatchObject({ state: "failed", permanentFailure: true, destinationId: "news" });
    const articleId = failed?.articleId ?? "";
    expect(titles(hooks.ops())).toEqual([`⚠️ Herald gave up delivering ${articleId} v1 to news`]);
    expect(JSON.stringify(hooks.ops()[0]?.body)).toContain(`herald trace ${articleId}`);

    // What the dashboard's Retry button does: Job.retry() on the failed job.
    const jobId = deliverJobId({ articleId, version: 1, destinationId: "news" });
    const job = await waitFor(
      async () => {
        const found = await deliverQueue.getJob(jobId);
        return found?.data.givenUp && (await found.getState()) === "failed" ? found : null;
      },
      10_000,
      "the job failed and marked given up",
    );
    await job.retry();
    await waitFor(
      async () => (await deliverQueue.getJob(jobId))?.returnvalue?.status === "delivered",
      20_000,
      "the retried job delivered",
    );
    await waitFor(() => hooks.ops().length >= 2, 20_000, "the recovery");
    expect(titles(hooks.news())).toEqual(["Plain post 7"]);
    expect(await store.getDelivery(articleId, 1, "news")).toMatchObject({ state: "delivered" });
    expect(titles(hooks.ops())[1]).toBe(`✅ ${articleId} v1 was delivered to news after all`);

    // Retrying the completed job (the dashboard offers that too) is skipped by the store's exactly-once check.
    const done = await deliverQueue.getJob(jobId);
    await done?.retry("completed");
    await waitFor(
      async () => (await deliverQueue.getJob(jobId))?.returnvalue?.reason === "already delivered",
      20_000,
      "the second retry skipped",
    );
    expect(titles(hooks.news())).toEqual(["Plain post 7"]);
    expect(hooks.ops()).toHaveLength(2);
  });
});

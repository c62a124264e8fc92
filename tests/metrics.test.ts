import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { startLoopbackServer } from "./fakes/http.ts";
import { projectRoot } from "./helpers/paths.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { koreanPost } from "./helpers/posts.ts";
import { type Family, metricValue, parsePrometheusText } from "./helpers/prometheus.ts";

const INGEST_TOKEN = "metrics-test-ingest-token";
const METRICS_TOKEN = "metrics-test-scrape-token-0123456789";

/** A feed that answers conditional GETs (200 first, then 304), and one whose server fails. */
async function feedServers() {
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Status</title><link>https://status.example.org/</link>
<item><title>Old news</title><link>https://status.example.org/old</link><guid>old</guid><pubDate>Thu, 01 Oct 2026 00:00:00 GMT</pubDate></item>
</channel></rss>`;
  const etag = `"${createHash("sha1").update(body).digest("hex")}"`;
  const good = await startLoopbackServer((req, res) => {
    const unchanged = req.headers["if-none-match"] === etag;
    res.writeHead(unchanged ? 304 : 200, { etag, "content-type": "application/rss+xml" });
    res.end(unchanged ? undefined : body);
  });
  const broken = await startLoopbackServer((_req, res) => {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end("upstream down");
  });
  return {
    good: `${good.baseUrl}/feed.xml`,
    broken: `${broken.baseUrl}/feed.xml`,
    close: () => Promise.all([good.close(), broken.close()]),
  };
}

describe("GET /metrics and herald status --json against a running service", () => {
  let discord: DiscordFake;
  let busyDiscord: DiscordFake;
  let feeds: Awaited<ReturnType<typeof feedServers>>;
  let service: Service;
  let configPath = "";
  let cleanup = async () => {};
  let articleId = "";
  let ingestedAt = 0;

  const scrape = (headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) =>
    fetch(`http://127.0.0.1:${service.port}/metrics`, { headers });
  const metrics = async (): Promise<Map<string, Family>> => {
    const res = await scrape();
    expect(res.status).toBe(200);
    return parsePrometheusText(await res.text());
  };
  const ingest = (body: string) =>
    fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "text/markdown" },
      body,
    });

  beforeAll(async () => {
    discord = await DiscordFake.start();
    busyDiscord = await DiscordFake.start();
    feeds = await feedServers();
    // A webhook id the fake never issued: Discord answers 404 Unknown Webhook.
    const gone = discord.webhookUrl().replace(/\/webhooks\/\d+\//, "/webhooks/123456789012345678/");
    const raw = {
      ingest: { token: INGEST_TOKEN },
      metrics: { token: METRICS_TOKEN },
      destinations: [
        { id: "news-ok", type: "discord-webhook", url: discord.webhookUrl() },
        { id: "news-gone", type: "discord-webhook", url: gone },
        { id: "news-busy", type: "discord-webhook", url: busyDiscord.webhookUrl() },
      ],
      feeds: [
        { id: "wire", type: "webhook", destinations: ["news-ok", "news-gone", "news-busy"] },
        { id: "status", type: "rss", url: feeds.good, interval: "1s", destinations: ["news-ok"] },
        { id: "down", type: "rss", url: feeds.broken, interval: "1s", destinations: ["news-ok"] },
      ],
    };
    const t = testConfig(raw);
    configPath = join(t.dir, "herald.yaml");
    writeFileSync(
      configPath,
      JSON.stringify({ ...raw, redis: t.config.redis, database: t.config.database, log: { level: "silent" } }),
    );
    service = await startService(t.config, { log: silentLog });
    cleanup = async () => {
      await service.stop(5000);
      await Promise.all([discord.close(), busyDiscord.close(), feeds.close()]);
      await t.cleanup();
    };

    busyDiscord.failNext(1, 429, { retryAfter: 0.3 });
    ingestedAt = Date.now();
    expect((await ingest(koreanPost(1))).status).toBe(202);
    await waitFor(
      async () => {
        const c = await service.runtime.store.countByState();
        return c.delivered === 2 && c.failed === 1;
      },
      30_000,
      "two deliveries and one 404",
    );
    articleId = (await service.runtime.store.listRecentDeliveries(1))[0]?.articleId ?? "";
    // The same post again (other bytes, same content): its card is already stored.
    expect((await ingest(`${koreanPost(1)}\n`)).status).toBe(202);
    await waitFor(
      async () => metricValue(await metrics(), "herald_card_cache_hits_total") >= 1,
      20_000,
      "a card cache hit",
    );
    await waitFor(
      async () => {
        const m = await metrics();
        return (
          metricValue(m, "herald_feed_polls_total", { outcome: "304" }) >= 1 &&
          metricValue(m, "herald_feed_polls_total", { outcome: "error" }) >= 1
        );
      },
      30_000,
      "a 304 poll and a failed poll",
    );
  }, 90_000);
  afterAll(async () => cleanup());

  it("refuses a scrape without the metrics token or with a wrong one, and serves the text format with it", async () => {
    const without = await scrape({});
    expect(without.status).toBe(401);
    expect(without.headers.get("www-authenticate")).toBe("Bearer");
    expect(await without.text()).not.toContain("herald_");
    expect((await scrape({ authorization: "Bearer not-the-token" })).status).toBe(401);
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("counts a delivery, a 404 with its reason, and a 429 that was waited out, per destination", async () => {
    const m = await metrics();
    const at = (destination: string, outcome: string) =>
      metricValue(m, "herald_deliveries_total", { platform: "discord-webhook", destination, outcome });
    expect(at("news-ok", "delivered")).toBe(1);
    expect(at("news-ok", "failed") + at("news-ok", "retried") + at("news-ok", "rate_limited")).toBe(0);
    expect(at("news-gone", "failed")).toBe(1);
    expect(at("news-gone", "delivered")).toBe(0);
    expect(at("news-busy", "rate_limited")).toBe(1);
    expect(at("news-busy", "delivered")).toBe(1);
    expect(metricValue(m, "herald_delivery_failures_total", { platform: "discord-webhook", reason: "not_found" })).toBe(
      1,
    );
    expect(
      metricValue(m, "herald_delivery_failures_total", { platform: "discord-webhook", reason: "rate_limit" }),
    ).toBe(1);
    expect(metricValue(m, "herald_platform_rate_limited_total", { platform: "discord-webhook" })).toBe(1);
  });

  it("observes publish→delivered and ingest→delivered latency for each acknowledged message", async () => {
    const m = await metrics();
    for (const name of ["herald_publish_to_delivered_seconds", "herald_ingest_to_delivered_seconds"]) {
      expect(m.get(name)?.type).toBe("histogram");
      expect(metricValue(m, `${name}_count`, { platform: "discord-webhook" })).toBe(2);
    }
    // The post is dated 2026-10-11 09:00 KST, before it was ingested: publish latency is measured from that date.
    const publishSum = metricValue(m, "herald_publish_to_delivered_seconds_sum", { platform: "discord-webhook" });
    const ingestSum = metricValue(m, "herald_ingest_to_delivered_seconds_sum", { platform: "discord-webhook" });
    const sinceDated = Math.max(0, ingestedAt - Date.parse("2026-10-11T00:00:00Z")) / 1000;
    expect(publishSum).toBeGreaterThanOrEqual(2 * sinceDated);
    expect(publishSum).toBeGreaterThanOrEqual(ingestSum);
    expect(
      metricValue(m, "herald_ingest_to_delivered_seconds_bucket", { platform: "discord-webhook", le: "+Inf" }),
    ).toBe(2);
  });

  it("shows queue depths per queue and state, including the failed 404 job", async () => {
    const m = await metrics();
    expect(m.get("herald_queue_jobs")?.type).toBe("gauge");
    expect(metricValue(m, "herald_queue_jobs", { queue: "deliver", state: "failed" })).toBe(1);
    for (const queue of ["ingest", "deliver", "poll", "maintenance"]) {
      for (const state of ["waiting", "active", "delayed", "failed"])
        expect(
          m.get("herald_queue_jobs")?.samples.some((s) => s.labels.queue === queue && s.labels.state === state),
        ).toBe(true);
    }
  });

  it("counts the card render with its time, the cache hit, feed polls by outcome, and the duties this process holds", async () => {
    const m = await metrics();
    expect(metricValue(m, "herald_card_renders_total", { outcome: "ok" })).toBe(1);
    expect(metricValue(m, "herald_card_render_seconds_count")).toBe(1);
    expect(metricValue(m, "herald_card_render_seconds_sum")).toBeGreaterThan(0);
    expect(metricValue(m, "herald_card_cache_hits_total")).toBeGreaterThanOrEqual(1);
    expect(metricValue(m, "herald_feed_polls_total", { outcome: "200" })).toBeGreaterThanOrEqual(1);
    expect(metricValue(m, "herald_feed_polls_total", { outcome: "304" })).toBeGreaterThanOrEqual(1);
    expect(metricValue(m, "herald_feed_polls_total", { outcome: "error" })).toBeGreaterThanOrEqual(1);
    expect(metricValue(m, "herald_duty_owned", { duty: "feed-schedules" })).toBe(1);
    expect(m.has("process_cpu_user_seconds_total")).toBe(true);
    expect(m.has("nodejs_eventloop_lag_seconds")).toBe(true);
  });

  it("keeps label values bounded: no article id, no URL, no token anywhere in a scrape", async () => {
    const text = await (await scrape()).text();
    expect(articleId).toMatch(/^[0-9a-f]{16}$/);
    expect(text).not.toContain(articleId);
    expect(text).not.toContain("http://127.0.0.1");
    expect(text).not.toContain(METRICS_TOKEN);
  });

  it("herald status --json prints queues, deliveries by state, latest deliveries, flagged destinations, open alerts and duties as one object", () => {
    const result = spawnSync(
      process.execPath,
      [join(projectRoot, "bin/herald.mjs"), "status", "--json", "--config", configPath],
      { encoding: "utf8", cwd: projectRoot },
    );
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report).sort()).toEqual(["alerts", "deliveries", "duties", "flagged", "latest", "queues"]);
    expect(report.queues.deliver).toMatchObject({ waiting: 0, failed: 1 });
    expect(report.deliveries).toMatchObject({ delivered: 2, failed: 1 });
    expect(report.latest).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          destinationId: "news-gone",
          state: "failed",
          articleId,
          error: expect.stringMatching(/404|not found/i),
        }),
        expect.objectContaining({ destinationId: "news-ok", state: "delivered", messageId: expect.any(String) }),
      ]),
    );
    expect(report.flagged).toEqual([expect.objectContaining({ destinationId: "news-gone" })]);
    expect(report.duties).toEqual(
      expect.arrayContaining([
        { name: "feed-schedules", owner: expect.objectContaining({ pid: String(process.pid) }) },
      ]),
    );

    const human = spawnSync(process.execPath, [join(projectRoot, "bin/herald.mjs"), "status", "--config", configPath], {
      encoding: "utf8",
      cwd: projectRoot,
    });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^Queues\n {2}ingest/);
    expect(human.stdout).toMatch(/Destination news-gone is flagged/);
  });
});

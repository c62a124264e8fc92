import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../jobs/runtime.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { spawnHerald } from "./helpers/herald.ts";
import { examplePost } from "./helpers/paths.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe("herald start and herald ingest, as processes", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("start serves /healthz, watches the folder, posts a dropped file, and exits 0 on SIGTERM", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const port = await freePort();
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const posts = join(t.dir, "posts");
    mkdirSync(posts);
    const config = join(t.dir, "herald.yaml");
    writeFileSync(
      config,
      JSON.stringify({
        redis: t.config.redis,
        database: t.config.database,
        http: { host: "127.0.0.1", port },
        log: { level: "warn" },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax, filled from the environment
        destinations: [{ id: "d", type: "discord-webhook", url: "${DISCORD_WEBHOOK_URL}" }],
        feeds: [
          { id: "site", type: "directory", path: posts, baseUrl: "https://news.example.kr", destinations: ["d"] },
        ],
      }),
    );
    const service = spawnHerald(["start"], { HERALD_CONFIG: config, DISCORD_WEBHOOK_URL: discord.webhookUrl() });
    cleanups.push(() => void service.kill("SIGKILL"));
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200,
      30_000,
      "healthz",
    );
    copyFileSync(examplePost, join(posts, "2026-10-14-outage.md"));
    const [message] = await discord.waitForMessages(1, 30_000);
    expect(message?.body.embeds[0].url).toBe("https://news.example.kr/news/2026/10/14/haneul-cloud-payment-outage/");
    service.kill("SIGTERM");
    expect((await service.exited).code).toBe(0);
  });

  it("ingest queues one post for the named feed and exits; a broken post exits non-zero naming the file", async () => {
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const config = join(t.dir, "herald.yaml");
    writeFileSync(
      config,
      JSON.stringify({
        redis: t.config.redis,
        database: t.config.database,
        log: { level: "silent" },
        feeds: [{ id: "wire", type: "webhook", token: "x" }],
      }),
    );
    const ok = spawnHerald(["ingest", examplePost, "--config", config, "--feed", "wire"]);
    expect((await ok.exited).code).toBe(0);
    expect(ok.output()).toMatch(
      /^queued '\[속보\] 하늘클라우드 결제 API 장애, 국내 쇼핑몰 결제 3시간 중단' \(article [0-9a-f]{16}\) for feed wire as job \d+/m,
    );
    const runtime = await createRuntime(t.config, { log: silentLog });
    cleanups.push(() => runtime.close(0));
    expect(await runtime.ingestQueue.getWaitingCount()).toBe(1);

    const broken = join(t.dir, "broken.md");
    // A YAML list is no front matter (an unquoted `[속보] …` title would now be read as text).
    writeFileSync(broken, "---\n- a list\n- not a map\n---\nbody\n");
    const bad = spawnHerald(["ingest", broken, "--config", config]);
    expect((await bad.exited).code).toBe(1);
    expect(bad.output()).toContain(`herald ingest: ${broken}: broken front matter:`);
    expect(await runtime.ingestQueue.getWaitingCount()).toBe(1);
  });

  it("refuses to start with a bad config, naming the key and the reason", async () => {
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const config = join(t.dir, "herald.yaml");
    writeFileSync(config, "feeds:\n  - { id: x, type: rss, url: 'ftp://nope', interval: soon }\n");
    const bad = spawnHerald(["start", "--config", config]);
    expect((await bad.exited).code).toBe(1);
    expect(bad.output()).toContain("feeds[0].url: must be an http(s) URL");
    expect(bad.output()).toContain("feeds[0].interval: 'soon' is not a duration");
  });
});

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { SlackFake } from "./fakes/slack/server.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { koreanPost } from "./helpers/posts.ts";

describe("directory feed → webhooks, end to end (real Redis, SQLite, Chromium, HTTP)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const discord = await DiscordFake.start();
    const slack = await SlackFake.start({ perChannelPerSecond: 0 });
    cleanups.push(
      () => discord.close(),
      () => slack.close(),
    );
    const postsDir = (d: string) => join(d, "posts");
    const t = testConfig({});
    mkdirSync(postsDir(t.dir));
    const make = () =>
      testConfig({
        redis: t.config.redis,
        database: t.config.database,
        destinations: [
          { id: "ops-discord", type: "discord-webhook", url: discord.webhookUrl() },
          { id: "ops-slack", type: "slack-webhook", url: slack.incomingWebhookUrl() },
        ],
        feeds: [
          {
            id: "newsdao",
            type: "directory",
            path: postsDir(t.dir),
            baseUrl: "https://newsdao.kr",
            destinations: ["ops-discord", "ops-slack"],
          },
        ],
      }).config;
    cleanups.push(t.cleanup);
    return { discord, slack, dir: postsDir(t.dir), config: make() };
  }

  async function start(config: Parameters<typeof startService>[0]): Promise<Service> {
    const service = await startService(config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    return service;
  }

  /**
   * The watcher queues a file's ingest job, then records its bytes as seen: once the store holds
   * this file's current hash, a scan has read it and the queues hold whatever it leads to.
   */
  async function scanned(service: Service, dir: string, name: string): Promise<void> {
    const hash = createHash("sha256")
      .update(readFileSync(join(dir, name)))
      .digest("hex");
    await waitFor(
      async () => (await service.runtime.store.getItemHash("newsdao", name)) === hash,
      15_000,
      `the watcher to read ${name}`,
    );
  }

  const firstScanDone = (service: Service) =>
    waitFor(() => service.runtime.store.isFirstRunDone("newsdao"), 15_000, "the first scan");

  it("records posts already in the folder on the first run without posting them, then posts a new file once to each destination", async () => {
    const { discord, slack, dir, config } = await setup();
    writeFileSync(join(dir, "2026-10-01-old.md"), koreanPost(1));
    const service = await start(config);
    await firstScanDone(service);
    await waitForServiceDrained(service, { fakes: [discord, slack] });
    expect(discord.messages).toHaveLength(0);
    expect(slack.messages).toHaveLength(0);

    writeFileSync(join(dir, "2026-10-02-new.md"), koreanPost(2));
    const [posted] = await discord.waitForMessages(1, 30_000);
    await slack.waitForMessages(1, 10_000);
    expect(posted?.body.embeds[0].title).toContain("테스트 장애 2번");
    expect(posted?.body.embeds[0].url).toBe("https://newsdao.kr/news/test-outage-2/");
    expect(posted?.files[0]?.name).toBe("timeline.png");
    expect(posted?.files[0]?.bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(slack.messages[0]?.blocks.some((b: { type: string }) => b.type === "header")).toBe(true);

    const delivery = await waitFor(async () => {
      const d = (await service.runtime.store.listRecentDeliveries(10)).filter((x) => x.state === "delivered");
      return d.length === 2 ? d : null;
    });
    expect(delivery.find((d) => d.destinationId === "ops-discord")?.platformMessageId).toBe(posted?.id);
    await waitForServiceDrained(service, { fakes: [discord, slack] });
    expect(discord.messages).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
  });

  it("does not post again when a file is rewritten unchanged; a changed post edits the Discord message and is posted anew to Slack (which cannot edit)", async () => {
    const { discord, slack, dir, config } = await setup();
    const service = await start(config);
    writeFileSync(join(dir, "2026-10-03-a.md"), koreanPost(3));
    const [first] = await discord.waitForMessages(1, 30_000);
    await slack.waitForMessages(1, 10_000);
    writeFileSync(join(dir, "2026-10-03-a.md"), koreanPost(3));
    // An unchanged file leaves no trace: a draft written after it shows a scan has read both.
    writeFileSync(join(dir, "2026-10-03-marker.md"), koreanPost(13).replace("---\n", "---\ndraft: true\n"));
    await scanned(service, dir, "2026-10-03-marker.md");
    await waitForServiceDrained(service, { fakes: [discord, slack] });
    expect(discord.messages).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);

    writeFileSync(join(dir, "2026-10-03-a.md"), koreanPost(3, "정정: 복구 시각 수정"));
    await waitFor(() => discord.messages[0]?.editedAt, 30_000, "the Discord message to be edited");
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0]?.body.embeds[0].description).toContain("정정");
    expect(discord.messages[0]?.files[0]?.name).toBe("timeline.png");
    const slackMessages = await slack.waitForMessages(2, 30_000);
    expect(JSON.stringify(slackMessages[1]?.blocks)).toContain("정정");
    const { articleId } = (await service.runtime.store.listRecentDeliveries(1))[0]!;
    // The row exists as soon as v2 is queued; wait for the edit itself to be recorded.
    const v2 = await waitFor(async () => {
      const row = await service.runtime.store.getDelivery(articleId, 2, "ops-discord");
      return row?.state === "delivered" ? row : null;
    });
    expect(v2.state).toBe("delivered");
    expect(v2.platformMessageId).toBe(first?.id);
  });

  it("after a restart, delivers a post dropped while Herald was down and reposts nothing", async () => {
    const { discord, dir, config } = await setup();
    const first = await start(config);
    writeFileSync(join(dir, "2026-10-04-a.md"), koreanPost(4));
    await discord.waitForMessages(1, 30_000);
    await first.stop(5000);

    writeFileSync(join(dir, "2026-10-05-b.md"), koreanPost(5));
    const second = await start(config);
    const messages = await discord.waitForMessages(2, 30_000);
    expect(messages[1]?.body.embeds[0].title).toContain("테스트 장애 5번");
    await waitForServiceDrained(second, { fakes: [discord] });
    expect(discord.messages).toHaveLength(2);
  });

  it("never posts a draft, and posts it once when an edit publishes it; a draft is not a feed error", async () => {
    const { discord, slack, dir, config } = await setup();
    const service = await start(config);
    const file = join(dir, "2026-10-06-draft.md");
    writeFileSync(file, koreanPost(6).replace("---\n", "---\ndraft: true\n"));
    await scanned(service, dir, "2026-10-06-draft.md");
    writeFileSync(join(dir, "2026-10-06-withdrawn.md"), koreanPost(16).replace("---\n", "---\npublished: false\n"));
    await scanned(service, dir, "2026-10-06-withdrawn.md");
    await waitForServiceDrained(service, { fakes: [discord, slack] });
    expect(discord.messages).toHaveLength(0);
    expect(slack.messages).toHaveLength(0);
    expect((await service.runtime.store.getFeed("newsdao"))?.lastError ?? null).toBeNull();
    expect(await service.runtime.store.listRecentDeliveries(10)).toHaveLength(0);

    writeFileSync(file, koreanPost(6));
    const [posted] = await discord.waitForMessages(1, 30_000);
    expect(posted?.body.embeds[0].title).toContain("테스트 장애 6번");
    await slack.waitForMessages(1, 10_000);
    await waitForServiceDrained(service, { fakes: [discord, slack] });
    expect(discord.messages).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
  });

  it("posts a future-dated post when its time comes, not before, and once", async () => {
    const { discord, slack, dir, config } = await setup();
    const service = await start(config);
    await firstScanDone(service); // what follows is new
    const at = Date.now() + 6000;
    writeFileSync(
      join(dir, "2026-10-07-embargo.md"),
      koreanPost(7).replace(/^date: .*$/m, `date: ${new Date(at).toISOString()}`),
    );
    await scanned(service, dir, "2026-10-07-embargo.md");
    // Read and put off: all that is left is the post's own job, due at its time.
    await waitForServiceDrained(service, { fakes: [discord, slack], scheduledFrom: at });
    // Nothing went out before its time. On a loaded machine the time may have come by now, so each post
    // is judged by when the fake received it, and each delivery by when it was recorded.
    expect(discord.messages.filter((m) => m.receivedAt < at)).toEqual([]);
    expect((await service.runtime.store.listRecentDeliveries(10)).filter((d) => Date.parse(d.createdAt) < at)).toEqual(
      [],
    );

    const [posted] = await discord.waitForMessages(1, 30_000);
    expect(posted?.receivedAt).toBeGreaterThanOrEqual(at);
    expect(posted?.body.embeds[0].title).toContain("테스트 장애 7번");
    await slack.waitForMessages(1, 10_000);
    await waitForServiceDrained(service, { fakes: [discord, slack] });
    expect(discord.messages).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
    expect((await service.runtime.store.getFeed("newsdao"))?.lastError ?? null).toBeNull();
  });

  it("posts a post that was not yet due when the feed was first scanned at its time, and nothing else the first scan found", async () => {
    const { discord, slack, dir, config } = await setup();
    const at = Date.now() + 8000;
    writeFileSync(join(dir, "2026-10-08-old.md"), koreanPost(8));
    writeFileSync(join(dir, "2026-10-09-draft.md"), koreanPost(9).replace("---\n", "---\ndraft: true\n"));
    writeFileSync(
      join(dir, "2026-10-10-embargo.md"),
      koreanPost(10).replace(/^date: .*$/m, `date: ${new Date(at).toISOString()}`),
    );
    const service = await start(config);
    await firstScanDone(service);
    await waitForServiceDrained(service, { fakes: [discord, slack], scheduledFrom: at });
    // Nothing went out before its time. On a loaded machine the time may have come by now, so each post
    // is judged by when the fake received it, and each delivery by when it was recorded.
    expect(discord.messages.filter((m) => m.receivedAt < at)).toEqual([]);
    expect((await service.runtime.store.listRecentDeliveries(10)).filter((d) => Date.parse(d.createdAt) < at)).toEqual(
      [],
    );

    const [posted] = await discord.waitForMessages(1, 30_000);
    expect(posted?.receivedAt).toBeGreaterThanOrEqual(at);
    expect(posted?.body.embeds[0].title).toContain("테스트 장애 10번");
    await slack.waitForMessages(1, 10_000);
    await waitForServiceDrained(service, { fakes: [discord, slack] });
    expect(discord.messages).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
    expect((await service.runtime.store.getFeed("newsdao"))?.lastError ?? null).toBeNull();
  });
});

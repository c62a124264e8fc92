import { afterEach, describe, expect, it } from "vitest";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { SlackFake } from "./fakes/slack/server.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { koreanPost, plainPost } from "./helpers/posts.ts";

const TOKEN = "test-ingest-token";

/** Webhook ingest into destinations on the fakes; cards off where the card is not the point (faster). */
describe("delivery outcomes: retries, rate limits, permanent failures (real Redis, SQLite, HTTP)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(destinations: Record<string, unknown>[]) {
    const t = testConfig({
      cards: { enabled: false },
      ingest: { token: TOKEN },
      destinations,
      feeds: [{ id: "inbox", type: "webhook", destinations: destinations.map((d) => d.id) }],
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    return service;
  }

  async function ingest(service: Service, body: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body,
    });
  }

  const deliveries = async (service: Service) => await service.runtime.store.listRecentDeliveries(100);

  it("waits out a 429 with retry_after and delivers once, without spending attempts", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const service = await setup([{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }]);
    discord.failNext(5, 429, { retryAfter: 0.3 });
    expect((await ingest(service, plainPost(1))).status).toBe(202);
    await discord.waitForMessages(1, 20_000);
    const delivery = await waitFor(async () => (await deliveries(service)).find((d) => d.state === "delivered"));
    // Five 429s and a success: more than the 4 attempts configured, so the 429s cannot have spent any.
    expect(discord.requests.filter((r) => r.status === 429)).toHaveLength(5);
    expect(delivery?.state).toBe("delivered");
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages).toHaveLength(1);
    // herald trace's history: each 429 with the wait Discord asked for, then the send that landed.
    const attempts = await waitFor(async () => {
      const all = await service.runtime.store.listAttempts(delivery.articleId);
      return all.at(-1)?.outcome === "delivered" ? all : null;
    });
    expect(attempts.map((a) => [a.outcome, a.status, a.retryAfterMs])).toEqual([
      ...Array.from({ length: 5 }, () => ["rate_limited", 429, 300]),
      ["delivered", null, null],
    ]);
    expect(attempts.at(-1)?.messageId).toBe(discord.messages[0]?.id);
  });

  it("retries 5xx with backoff and delivers once", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const service = await setup([{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }]);
    discord.failNext(2, 503);
    await ingest(service, plainPost(2));
    await discord.waitForMessages(1, 20_000);
    const delivery = await waitFor(async () => (await deliveries(service)).find((d) => d.state === "delivered"));
    expect(delivery.attempts).toBe(3);
    expect(discord.messages).toHaveLength(1);
    const attempts = await waitFor(async () => {
      const all = await service.runtime.store.listAttempts(delivery.articleId);
      return all.at(-1)?.outcome === "delivered" ? all : null;
    });
    expect(attempts.map((a) => [a.outcome, a.status, a.code])).toEqual([
      ["retrying", 503, "server"],
      ["retrying", 503, "server"],
      ["delivered", null, null],
    ]);
  });

  it("fails a rejected webhook at once, records the reason without the token, and flags the destination", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const good = discord.webhookUrl();
    const badToken = good.replace(/\/[^/]+$/, "/wrong-token-secret");
    const service = await setup([{ id: "d", type: "discord-webhook", url: badToken }]);
    await ingest(service, plainPost(3));
    const delivery = await waitFor(async () =>
      (await deliveries(service)).find((d) => d.state === "failed" && d.permanentFailure),
    );
    expect(delivery.attempts).toBe(1);
    expect(delivery.lastError).toMatch(/401|Invalid Webhook Token/);
    expect(delivery.lastError).not.toContain("wrong-token-secret");
    expect((await service.runtime.store.getDestination("d"))?.flaggedReason).toMatch(/401|unauthorised/);
  });

  it("records a delivery as failed after the last attempt when the server keeps failing", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const service = await setup([{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }]);
    discord.failNext(10, 500);
    await ingest(service, plainPost(4));
    const delivery = await waitFor(
      async () => (await deliveries(service)).find((d) => d.state === "failed" && d.permanentFailure),
      30_000,
    );
    expect(delivery.attempts).toBe(4);
    expect(delivery.lastError).toMatch(/500/);
    expect(discord.messages).toHaveLength(0);
  });

  it("keeps delivering to healthy destinations while one is archived, and to Slack's incoming webhook", async () => {
    const discord = await DiscordFake.start();
    const slack = await SlackFake.start({ perChannelPerSecond: 0 });
    cleanups.push(
      () => discord.close(),
      () => slack.close(),
    );
    const archived = slack.incomingWebhookUrl("old", "C0ARCHIVED");
    slack.setChannelError("C0ARCHIVED", "is_archived");
    const service = await setup([
      { id: "d", type: "discord-webhook", url: discord.webhookUrl() },
      { id: "s-ok", type: "slack-webhook", url: slack.incomingWebhookUrl("ok", "C0NEWS") },
      { id: "s-archived", type: "slack-webhook", url: archived },
    ]);
    await ingest(service, koreanPost(5));
    await discord.waitForMessages(1, 20_000);
    await slack.waitForMessages(1, 20_000);
    const failed = await waitFor(async () =>
      (await deliveries(service)).find((d) => d.destinationId === "s-archived" && d.state === "failed"),
    );
    expect(failed.lastError).toMatch(/410|channel_is_archived/);
    expect(slack.messages[0]?.channel).toBe("C0NEWS");
  });

  it("never posts twice when the same post is ingested again (duplicate webhook, re-poll)", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const service = await setup([{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }]);
    await ingest(service, plainPost(6));
    await discord.waitForMessages(1, 20_000);
    // Both are queued before the 202: once the queues are empty, they have been read and dropped.
    expect((await ingest(service, plainPost(6))).status).toBe(202);
    expect((await ingest(service, `${plainPost(6)}\n`)).status).toBe(202); // different bytes, same content
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages).toHaveLength(1);
    expect((await service.runtime.store.countByState()).delivered).toBe(1);
  });

  it("edits the earlier message for a changed post, or posts anew when someone deleted it, without flagging the channel", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const webhook = discord.webhookUrl();
    const service = await setup([{ id: "d", type: "discord-webhook", url: webhook }]);
    await ingest(service, plainPost(9, "first version"));
    const [first] = await discord.waitForMessages(1, 20_000);
    await ingest(service, plainPost(9, "second version"));
    await waitFor(() => discord.messages[0]?.editedAt, 20_000, "the edit");
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0]?.body.embeds[0].description).toContain("second version");

    expect((await fetch(`${webhook}/messages/${first?.id}`, { method: "DELETE" })).status).toBe(204);
    await ingest(service, plainPost(9, "third version"));
    const messages = await discord.waitForMessages(2, 20_000);
    expect(messages[1]?.body.embeds[0].description).toContain("third version");
    expect(messages[0]?.deletedAt).toBeDefined();
    expect((await service.runtime.store.getDestination("d"))?.flaggedReason).toBeNull();
  });

  it("ignores a replayed older version: no new version, no edit, no post, the correction stays", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const service = await setup([{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }]);
    await ingest(service, plainPost(12, "first version"));
    await discord.waitForMessages(1, 20_000);
    await ingest(service, plainPost(12, "corrected version"));
    await waitFor(() => discord.messages[0]?.editedAt, 20_000, "the edit");
    const requestsBefore = discord.requests.length;
    const articleId = (await service.runtime.store.listRecentDeliveries(10))[0]?.articleId ?? "";

    // Other bytes than the first ingest (so not the same ingest job), the same content as version 1.
    const replay = await ingest(service, `${plainPost(12, "first version")}\n\n`);
    expect(replay.status).toBe(202);
    await waitFor(
      async () => ((await service.runtime.ingestQueue.getJobCounts("completed")).completed ?? 0) >= 3,
      20_000,
      "the replay's ingest job",
    );
    await waitForServiceDrained(service, { fakes: [discord] });
    expect((await service.runtime.store.getArticle(articleId))?.version).toBe(2);
    expect(await service.runtime.store.getArticleVersion(articleId, 3)).toBeNull();
    expect(discord.requests.length).toBe(requestsBefore);
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0]?.body.embeds[0].description).toContain("corrected version");
  });

  it("never posts a draft sent to /ingest, and posts an embargoed one at its time, once", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const service = await setup([{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }]);
    const draft = await ingest(service, plainPost(20).replace("categories:", "draft: true\ncategories:"));
    expect(draft.status).toBe(200);
    expect(await draft.json()).toMatchObject({ accepted: false, skipped: expect.stringContaining("draft") });

    const due = new Date(Date.now() + 4000);
    const embargoed = await ingest(service, plainPost(21).replace("2026-10-01T00:00:00Z", due.toISOString()));
    expect(embargoed.status).toBe(202);
    expect(await embargoed.json()).toMatchObject({ accepted: true, scheduledFor: due.toISOString() });
    const message = await discord.waitForMessages(1, 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(due.getTime());
    expect(message[0]?.body.embeds[0].title).toBe("Plain post 21");
    // Drained: nothing queued or delayed is left that could post the draft or the embargoed post again.
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages.map((m) => m.body.embeds[0].title)).toEqual(["Plain post 21"]);
    expect((await service.runtime.store.getFeed("inbox"))?.lastError ?? null).toBeNull();
  });

  it("records a bad post on its feed and keeps the next good one flowing", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const service = await setup([{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }]);
    // The endpoint checks what it can at once; a post that only fails later is recorded on the feed.
    // A YAML list is no front matter (an unquoted `[속보] …` title would now be read as text).
    const bad = await ingest(service, "---\n- a list\n- not a map\n---\nbody");
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: string }).error).toMatch(/broken front matter/);
    await service.runtime.ingestQueue.add("ingest", {
      feedId: "inbox",
      input: "queued-bad.md",
      kind: "post",
      raw: "---\n- a\n- b\n---\n",
    });
    await ingest(service, plainPost(7));
    await discord.waitForMessages(1, 20_000);
    // The endpoint's refusal is recorded on the feed too; wait for the queued post's own failure to replace it.
    const feed = await waitFor(async () => {
      const lastError = (await service.runtime.store.getFeed("inbox"))?.lastError;
      return lastError?.startsWith("queued-bad.md") ? lastError : null;
    });
    expect(feed).toMatch(/^queued-bad\.md: broken front matter/);
  });
});

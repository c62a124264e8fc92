import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Store, StoreError } from "../../src/store/index.ts";
import { outageArticle } from "../fixtures/store/articles.ts";
import { laterInstant } from "../helpers/clock.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

const ARTICLE = "ms-outlook-outage";
const KEY = [ARTICLE, 1, "discord-main"] as const;

async function seed(store: Store) {
  await store.upsertDestination({ id: "discord-main", type: "discord", config: { channelId: "123" } });
  await store.upsertDestination({ id: "slack-news", type: "slack", config: {} });
  await store.upsertArticle(outageArticle(), null);
}

describe.each(STORE_BACKENDS)("$name store: deliveries", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });
  beforeEach(async () => seed(current().store));

  it("are recorded for a whole fan-out at once: one per distinct destination, in order, earlier ones unchanged", async () => {
    const { store } = current();
    await store.recordDeliveryPending(...KEY);
    await store.markSending(...KEY);
    await store.markDelivered(...KEY, "1261234567890123456");
    const batch = await store.recordDeliveriesPending(ARTICLE, 1, ["slack-news", "discord-main", "slack-news"]);
    expect(batch.map((d) => [d.destinationId, d.state])).toEqual([
      ["slack-news", "pending"],
      ["discord-main", "delivered"],
    ]);
    expect(await store.recordDeliveriesPending(ARTICLE, 1, [])).toEqual([]);
    expect(await store.countByState()).toEqual({ pending: 1, sending: 0, delivered: 1, failed: 0 });
  });

  it("record a fan-out all or nothing: one unknown destination records none", async () => {
    const { store } = current();
    await store.upsertArticle(outageArticle({ title: "복구 완료" }), null);
    await expect(store.recordDeliveriesPending(ARTICLE, 2, ["discord-main", "nowhere"])).rejects.toThrow(
      /deliveries of article ms-outlook-outage v2 to 2 destinations: the article version or one of the destinations is not stored/,
    );
    await expect(store.recordDeliveriesPending(ARTICLE, 9, ["discord-main"])).rejects.toThrow(StoreError);
    expect(await store.countByState()).toEqual({ pending: 0, sending: 0, delivered: 0, failed: 0 });
  });

  it("are unique per article, version and destination", async () => {
    const { store } = current();
    const first = await store.recordDeliveryPending(...KEY);
    await store.markSending(...KEY);
    const again = await store.recordDeliveryPending(...KEY);
    expect(again.state).toBe("sending");
    expect(again.createdAt).toBe(first.createdAt);
    await store.recordDeliveryPending(ARTICLE, 1, "slack-news");
    await store.upsertArticle(outageArticle({ title: "복구 완료" }), null);
    await store.recordDeliveryPending(ARTICLE, 2, "discord-main");
    expect(await store.countByState()).toEqual({ pending: 2, sending: 1, delivered: 0, failed: 0 });
  });

  it("record each state transition with attempts, the last error and the platform message id", async () => {
    const { store } = current();
    expect(await store.recordDeliveryPending(...KEY)).toMatchObject({ state: "pending", attempts: 0, lastError: null });
    expect((await store.markSending(...KEY)).attempts).toBe(1);
    expect(await store.markFailed(...KEY, "HTTP 503 from Discord", false)).toMatchObject({
      state: "failed",
      attempts: 1,
      lastError: "HTTP 503 from Discord",
      permanentFailure: false,
    });
    expect(await store.markSending(...KEY)).toMatchObject({ state: "sending", attempts: 2 });
    expect(await store.incrementAttempts(...KEY)).toBe(3);
    const delivered = await store.markDelivered(...KEY, "1261234567890123456");
    expect(delivered).toMatchObject({ state: "delivered", attempts: 3, platformMessageId: "1261234567890123456" });
    expect(delivered.deliveredAt).not.toBeNull();
    expect(await store.getDelivery(...KEY)).toEqual(delivered);
    expect((await store.latestDelivered(ARTICLE, "discord-main"))?.platformMessageId).toBe("1261234567890123456");
    expect(await store.listRecentDeliveries(10)).toEqual([delivered]);
    expect(await store.countByState()).toEqual({ pending: 0, sending: 0, delivered: 1, failed: 0 });
  });

  it("a permanent failure or a finished delivery is not sent again, and a delivered one is not failed", async () => {
    const { store } = current();
    await store.recordDeliveryPending(...KEY);
    await store.markFailed(...KEY, "Missing Access (50001)", true);
    await expect(store.markSending(...KEY)).rejects.toThrow(
      "delivery of article ms-outlook-outage v1 to discord-main failed permanently (Missing Access (50001)); not retrying",
    );
    await store.recordDeliveryPending(ARTICLE, 1, "slack-news");
    await store.markDelivered(ARTICLE, 1, "slack-news", "1720663200.000100");
    await expect(store.markSending(ARTICLE, 1, "slack-news")).rejects.toThrow(
      "delivery of article ms-outlook-outage v1 to slack-news is already delivered; not sending it again",
    );
    await expect(store.markFailed(ARTICLE, 1, "slack-news", "late timeout", false)).rejects.toThrow(
      "delivery of article ms-outlook-outage v1 to slack-news is already delivered; cannot mark it failed",
    );
    expect((await store.getDelivery(ARTICLE, 1, "slack-news"))?.state).toBe("delivered");
  });

  it("a delivery that failed permanently can still be recorded as delivered, which clears the flag", async () => {
    const { store } = current();
    await store.recordDeliveryPending(...KEY);
    await store.markFailed(...KEY, "timeout", true);
    expect(await store.markDelivered(...KEY, null)).toMatchObject({ state: "delivered", permanentFailure: false });
  });

  it("long errors are cut to 2000 characters, and secrets in them are redacted", async () => {
    const { store } = current();
    await store.recordDeliveryPending(...KEY);
    const failed = await store.markFailed(...KEY, "x".repeat(10_000), false);
    expect(failed.lastError?.length).toBe(2000);
    expect(failed.lastError?.endsWith("…")).toBe(true);
    const leaked = await store.markFailed(...KEY, "Unknown Webhook: POST /api/webhooks/123/abcdefSECRET", false);
    expect(leaked.lastError).toBe("Unknown Webhook: POST /api/webhooks/123/[redacted]");
  });

  it("changing a delivery that was never recorded, or to an unknown destination, is a StoreError", async () => {
    const { store } = current();
    const notRecorded =
      "delivery of article ms-outlook-outage v1 to discord-main is not recorded; call recordDeliveryPending first";
    await expect(store.markSending(...KEY)).rejects.toThrow(notRecorded);
    await expect(store.markDelivered(...KEY, null)).rejects.toThrow(notRecorded);
    await expect(store.markFailed(...KEY, "x", false)).rejects.toThrow(notRecorded);
    await expect(store.incrementAttempts(...KEY)).rejects.toThrow(StoreError);
    await expect(store.recordDeliveryPending(ARTICLE, 1, "nowhere")).rejects.toThrow(/nowhere.*not stored/);
    await expect(store.recordDeliveryPending("no-such-article", 1, "discord-main")).rejects.toThrow(
      /no-such-article.*not stored/,
    );
    await expect(store.recordDeliveryPending(ARTICLE, 7, "discord-main")).rejects.toThrow(StoreError);
    expect(await store.getDelivery(...KEY)).toBeNull();
  });

  it("the latest delivered version at a destination is the message to edit", async () => {
    const { store } = current();
    await store.recordDeliveryPending(...KEY);
    await store.markDelivered(...KEY, "m1");
    await store.upsertArticle(outageArticle({ title: "복구 완료" }), null);
    await store.recordDeliveryPending(ARTICLE, 2, "discord-main");
    expect((await store.latestDelivered(ARTICLE, "discord-main"))?.version).toBe(1);
    await store.markDelivered(ARTICLE, 2, "discord-main", "m1");
    expect((await store.latestDelivered(ARTICLE, "discord-main"))?.version).toBe(2);
    expect(await store.latestDelivered(ARTICLE, "slack-news")).toBeNull();
  });

  it("lists recent deliveries most recently changed first, within the limit", async () => {
    const { store } = current();
    await store.recordDeliveryPending(...KEY);
    await laterInstant();
    await store.recordDeliveryPending(ARTICLE, 1, "slack-news");
    expect((await store.listRecentDeliveries(10)).map((d) => d.destinationId)).toEqual(["slack-news", "discord-main"]);
    await laterInstant();
    await store.markSending(...KEY);
    expect((await store.listRecentDeliveries(1)).map((d) => d.destinationId)).toEqual(["discord-main"]);
    await expect(store.listRecentDeliveries(1001)).rejects.toThrow(/limit must be a whole number from 1 to 1000/);
  });

  it("lists unfinished deliveries (pending or sending) least recently changed first", async () => {
    const { store } = current();
    await store.recordDeliveryPending(...KEY);
    await laterInstant();
    await store.recordDeliveryPending(ARTICLE, 1, "slack-news");
    await laterInstant();
    await store.markSending(...KEY);
    const unfinished = await store.listUnfinishedDeliveries({ limit: 10 });
    expect(unfinished.map((d) => [d.destinationId, d.state])).toEqual([
      ["slack-news", "pending"],
      ["discord-main", "sending"],
    ]);
    const cutoff = unfinished[1]!.updatedAt;
    expect(
      (await store.listUnfinishedDeliveries({ updatedBefore: cutoff, limit: 10 })).map((d) => d.destinationId),
    ).toEqual(["slack-news"]);
    expect(await store.listUnfinishedDeliveries({ limit: 1 })).toHaveLength(1);
    await store.markDelivered(...KEY, "m");
    await store.markFailed(ARTICLE, 1, "slack-news", "gone", true);
    expect(await store.listUnfinishedDeliveries({ limit: 10 })).toEqual([]);
    await expect(store.listUnfinishedDeliveries({ limit: 0 })).rejects.toThrow(/from 1 to 10000/);
  });
});

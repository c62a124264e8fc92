import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_ATTEMPTS_KEPT, type Store, StoreError } from "../../src/store/index.ts";
import { outageArticle } from "../fixtures/store/articles.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

const ARTICLE = "ms-outlook-outage";
const WEBHOOK = { articleId: ARTICLE, version: 1, destinationId: "discord-main" };

async function seed(store: Store) {
  await store.upsertDestination({ id: "discord-main", type: "discord", config: { channelId: "123" } });
  await store.upsertDestination({ id: "slack-news", type: "slack", config: {} });
  await store.upsertArticle(outageArticle(), null);
  await store.recordDeliveriesPending(ARTICLE, 1, ["discord-main", "slack-news"]);
}

describe.each(STORE_BACKENDS)("$name store: delivery attempts", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });
  beforeEach(async () => seed(current().store));

  it("keep every send's platform answer per destination, oldest first, across versions", async () => {
    const { store } = current();
    await store.recordAttempt({
      ...WEBHOOK,
      at: "2026-10-14T01:00:00.000Z",
      outcome: "rate_limited",
      status: 429,
      code: "rate_limited",
      retryAfterMs: 1500,
      error: "discord: rate limited",
    });
    await store.recordAttempt({
      ...WEBHOOK,
      at: "2026-10-14T01:00:02+09:00",
      outcome: "delivered",
      messageId: "1261234567890123456",
    });
    await store.recordAttempt({
      ...WEBHOOK,
      destinationId: "slack-news",
      outcome: "failed",
      status: 404,
      code: "not_found",
      error: "slack: channel_not_found",
    });
    await store.upsertArticle(outageArticle({ title: "복구 완료" }), null);
    await store.recordDeliveryPending(ARTICLE, 2, "discord-main");
    await store.recordAttempt({
      ...WEBHOOK,
      version: 2,
      outcome: "retrying",
      status: 503,
      code: "server",
      error: "discord: server error 503",
    });

    const attempts = await store.listAttempts(ARTICLE);
    expect(
      attempts.map((a) => [a.version, a.destinationId, a.outcome, a.status, a.code, a.retryAfterMs, a.messageId]),
    ).toEqual([
      [1, "discord-main", "rate_limited", 429, "rate_limited", 1500, null],
      [1, "discord-main", "delivered", null, null, null, "1261234567890123456"],
      [1, "slack-news", "failed", 404, "not_found", null, null],
      [2, "discord-main", "retrying", 503, "server", null, null],
    ]);
    // Times are kept as UTC instants, whatever offset the caller wrote.
    expect(attempts[1]?.at).toBe("2026-10-13T16:00:02.000Z");
    expect(Date.parse(attempts[3]?.at ?? "")).not.toBeNaN();
    expect(attempts[2]?.error).toBe("slack: channel_not_found");
    expect(await store.listAttempts("no-such-article")).toEqual([]);
  });

  it(`keep only the newest ${MAX_ATTEMPTS_KEPT} attempts of a delivery; other deliveries keep theirs`, async () => {
    const { store } = current();
    await store.recordAttempt({
      ...WEBHOOK,
      destinationId: "slack-news",
      outcome: "retrying",
      error: "first slack try",
    });
    for (let i = 1; i <= MAX_ATTEMPTS_KEPT + 5; i++) {
      await store.recordAttempt({ ...WEBHOOK, outcome: "rate_limited", status: 429, retryAfterMs: i });
    }
    const attempts = await store.listAttempts(ARTICLE);
    const webhook = attempts.filter((a) => a.destinationId === "discord-main");
    expect(webhook.map((a) => a.retryAfterMs)).toEqual(Array.from({ length: MAX_ATTEMPTS_KEPT }, (_, i) => i + 6));
    expect(attempts.filter((a) => a.destinationId === "slack-news").map((a) => a.error)).toEqual(["first slack try"]);
  });

  it("errors are redacted and cut to 2000 characters, as a delivery's failure reason is", async () => {
    const { store } = current();
    await store.recordAttempt({
      ...WEBHOOK,
      outcome: "failed",
      status: 404,
      error: "Unknown Webhook: POST /api/webhooks/123/abcdefSECRET",
    });
    await store.recordAttempt({ ...WEBHOOK, outcome: "retrying", error: "x".repeat(10_000) });
    const [leaked, long] = await store.listAttempts(ARTICLE);
    expect(leaked?.error).toBe("Unknown Webhook: POST /api/webhooks/123/[redacted]");
    expect(long?.error?.length).toBe(2000);
    expect(long?.error?.endsWith("…")).toBe(true);
  });

  it("an attempt of a delivery that was never recorded, or a malformed one, is a StoreError", async () => {
    const { store } = current();
    await expect(store.recordAttempt({ ...WEBHOOK, version: 9, outcome: "failed" })).rejects.toThrow(
      "delivery of article ms-outlook-outage v9 to discord-main is not recorded; call recordDeliveryPending first",
    );
    await expect(store.recordAttempt({ ...WEBHOOK, outcome: "lost" as "failed" })).rejects.toThrow(
      /outcome must be one of delivered, failed/,
    );
    await expect(store.recordAttempt({ ...WEBHOOK, outcome: "failed", at: "yesterday" })).rejects.toThrow(StoreError);
    await expect(store.recordAttempt({ ...WEBHOOK, outcome: "failed", retryAfterMs: -1 })).rejects.toThrow(
      /retryAfterMs must be a number/,
    );
    expect(await store.listAttempts(ARTICLE)).toEqual([]);
  });

  it("come with every delivery of the article, by destination then version, whatever their state", async () => {
    const { store } = current();
    await store.upsertArticle(outageArticle({ title: "복구 완료" }), null);
    await store.recordDeliveryPending(ARTICLE, 2, "discord-main");
    await store.markSending(ARTICLE, 1, "slack-news");
    await store.markDelivered(ARTICLE, 1, "slack-news", "1720663200.000100");
    const deliveries = await store.listArticleDeliveries(ARTICLE);
    expect(deliveries.map((d) => [d.destinationId, d.version, d.state, d.platformMessageId])).toEqual([
      ["discord-main", 1, "pending", null],
      ["discord-main", 2, "pending", null],
      ["slack-news", 1, "delivered", "1720663200.000100"],
    ]);
    expect(deliveries[2]).toEqual(await store.getDelivery(ARTICLE, 1, "slack-news"));
    expect(await store.listArticleDeliveries("no-such-article")).toEqual([]);
  });

  it("outlive a reopen of the store (another process or host reads the same history)", async () => {
    const { store: first, reopen } = current();
    await first.recordAttempt({
      ...WEBHOOK,
      outcome: "failed",
      status: 403,
      code: "permission",
      error: "discord: forbidden (Missing Access)",
    });
    const again = await reopen();
    expect((await again.listAttempts(ARTICLE)).map((a) => [a.status, a.error])).toEqual([
      [403, "discord: forbidden (Missing Access)"],
    ]);
  });
});

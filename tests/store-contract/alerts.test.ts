import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Store, StoreError } from "../../src/store/index.ts";
import { outageArticle } from "../fixtures/store/articles.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

const DAY_MS = 86_400_000;
const T0 = "2026-12-05T08:00:00.000Z";
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
/** openAlert as the notifier calls it: a repeat is due when people were last told a day or more before `now`. */
const open = (store: Store, key: string, reason: string, now: string) =>
  store.openAlert(key, reason, { at: now, repeatBefore: new Date(Date.parse(now) - DAY_MS + 1).toISOString() });

describe.each(STORE_BACKENDS)("$name store: health alerts", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });

  it("open once, stay quiet while open, repeat at most daily, close once, and open again after closing", async () => {
    const { store } = current();
    const first = await open(store, "feed:hn", "HTTP 500 from https://hn.example/rss", T0);
    expect(first).toEqual({
      kind: "opened",
      alert: {
        key: "feed:hn",
        state: "open",
        reason: "HTTP 500 from https://hn.example/rss",
        openedAt: T0,
        lastNotifiedAt: T0,
        closedAt: null,
      },
    });
    expect(await open(store, "feed:hn", "HTTP 502", at(60_000))).toBeNull();
    expect(await open(store, "feed:hn", "HTTP 502", at(DAY_MS - 1))).toBeNull();
    const repeat = await open(store, "feed:hn", "HTTP 502", at(DAY_MS));
    expect(repeat).toMatchObject({
      kind: "repeated",
      alert: { openedAt: T0, lastNotifiedAt: at(DAY_MS), reason: "HTTP 500 from https://hn.example/rss" },
    });
    expect(await open(store, "feed:hn", "HTTP 502", at(DAY_MS + 1000))).toBeNull();

    const closed = await store.closeAlert("feed:hn", { at: at(DAY_MS + 2000) });
    expect(closed).toMatchObject({ key: "feed:hn", state: "closed", openedAt: T0, closedAt: at(DAY_MS + 2000) });
    expect(await store.closeAlert("feed:hn")).toBeNull();
    expect(await store.closeAlert("feed:never-opened")).toBeNull();

    const again = await open(store, "feed:hn", "timed out", at(DAY_MS + 3000));
    expect(again).toMatchObject({
      kind: "opened",
      alert: { reason: "timed out", openedAt: at(DAY_MS + 3000), closedAt: null },
    });
  });

  it("let exactly one of many simultaneous openers and closers win", async () => {
    const { store } = current();
    const opens = await Promise.all(
      Array.from({ length: 8 }, () => open(store, "destination:d1", "Missing Permissions", T0)),
    );
    expect(opens.filter((change) => change !== null)).toHaveLength(1);
    const closes = await Promise.all(Array.from({ length: 8 }, () => store.closeAlert("destination:d1")));
    expect(closes.filter((alert) => alert !== null)).toHaveLength(1);
  });

  it("keep reasons redacted, list open ones by key prefix, and refuse keys with spaces", async () => {
    const { store } = current();
    await open(store, "feed:b", "GET https://user:hunter2@feeds.example/rss?token=abc123 failed", T0);
    await open(store, "feed:a", "HTTP 500", T0);
    await open(store, "backlog:deliver", "oldest job waits 12 min", T0);
    await store.closeAlert("feed:a");
    const reason = (await store.getAlert("feed:b"))?.reason ?? "";
    expect(reason).not.toContain("hunter2");
    expect(reason).not.toContain("abc123");
    expect((await store.listOpenAlerts("feed:")).map((a) => a.key)).toEqual(["feed:b"]);
    expect((await store.listOpenAlerts()).map((a) => a.key)).toEqual(["backlog:deliver", "feed:b"]);
    await expect(open(store, "feed: x", "r", T0)).rejects.toThrow(StoreError);
  });

  it("count a feed's failed polls in a row, back to 0 after a success", async () => {
    const { store, reopen } = current();
    await store.upsertFeed({ id: "hn", type: "rss", config: { url: "https://hn.example/rss" }, destinationIds: [] });
    expect(await store.recordFeedError("hn", "HTTP 500")).toBe(1);
    expect(await store.recordFeedError("hn", "HTTP 500")).toBe(2);
    const again = await reopen();
    expect(await again.recordFeedError("hn", "HTTP 503")).toBe(3);
    expect(await again.recordFeedError("hn", null)).toBe(0);
    expect(await again.recordFeedError("hn", "timed out")).toBe(1);
    await expect(again.recordFeedError("ghost", "x")).rejects.toThrow(/feed ghost is not stored/);
  });

  it("reopen only a permanently failed delivery, once, keeping its last error", async () => {
    const { store } = current();
    await store.upsertDestination({ id: "d1", type: "discord", config: {} });
    await store.upsertArticle(outageArticle(), null);
    const key = ["ms-outlook-outage", 1, "d1"] as const;
    await store.recordDeliveryPending(...key);
    expect(await store.reopenFailedDelivery(...key)).toBeNull();
    await store.markSending(...key);
    await store.markFailed(...key, "HTTP 502", false);
    expect(await store.reopenFailedDelivery(...key)).toBeNull();
    await store.markFailed(...key, "Missing Access (50001)", true);
    await expect(store.markSending(...key)).rejects.toThrow(/failed permanently/);

    const reopened = await store.reopenFailedDelivery(...key);
    expect(reopened).toMatchObject({ state: "pending", permanentFailure: false, lastError: "Missing Access (50001)" });
    expect(await store.reopenFailedDelivery(...key)).toBeNull();
    expect(await store.markSending(...key)).toMatchObject({ state: "sending" });
    await store.markDelivered(...key, "1261234567890123456");
    expect(await store.reopenFailedDelivery(...key)).toBeNull();
    expect(await store.getDelivery(...key)).toMatchObject({ state: "delivered" });
    await expect(store.reopenFailedDelivery("ms-outlook-outage", 1, "nowhere")).rejects.toThrow(StoreError);
  });
});

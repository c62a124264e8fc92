/**
 * Two Stores on one database, as two processes or hosts would have: each
 * read-then-write step must hold up when the other store does the same at
 * the same moment.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FeedRecord, Store } from "../../src/store/index.ts";
import { makeArticle, outageArticle } from "../fixtures/store/articles.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

describe.each(STORE_BACKENDS)("$name store: two stores on one database at once", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });
  let stores: [Store, Store];
  beforeEach(async () => {
    const { store, db } = current();
    stores = [store, await db.open()];
  });
  const either = (i: number) => stores[i % 2]!;

  it("concurrent changes of one article become versions 1..n, none lost, none repeated", async () => {
    const n = 24;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => either(i).upsertArticle(outageArticle({ title: `속보 ${i}` }), null)),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    expect(results.filter((r) => r.changed)).toHaveLength(n - 1);
    const latest = await stores[1].getArticle("ms-outlook-outage");
    expect(latest?.version).toBe(n);
    const titles = await Promise.all(
      results.map(async (r) => (await stores[0].getArticleVersion("ms-outlook-outage", r.version))?.article.title),
    );
    expect(new Set(titles).size).toBe(n);
  });

  it("the same new article stored by both at once is stored once", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => either(i).upsertArticle(makeArticle({ id: "dup", title: "같은 글" }), null)),
    );
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    expect(results.every((r) => r.version === 1 && !r.changed)).toBe(true);
  });

  it("createFeedUnless never lets concurrent adds past a limit", async () => {
    const limit = 3;
    const refuse = (feeds: FeedRecord[]) => (feeds.length >= limit ? `at most ${limit} feeds` : null);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        either(i).createFeedUnless({ id: `feed-${i}`, type: "rss", config: {}, destinationIds: [] }, refuse),
      ),
    );
    expect(outcomes.filter((o) => o === null)).toHaveLength(limit);
    expect(outcomes.filter((o) => o === `at most ${limit} feeds`)).toHaveLength(12 - limit);
    expect(await stores[0].listFeeds()).toHaveLength(limit);
  });

  it("a send started while another worker records the delivery as done never reopens it", async () => {
    await stores[0].upsertDestination({ id: "d", type: "discord", config: {} });
    await stores[0].upsertArticle(outageArticle(), null);
    for (let round = 0; round < 8; round++) {
      const article = outageArticle({ title: `버전 ${round}`, date: `2024-07-11T0${round}:30:00.000Z` });
      const { version } = await stores[0].upsertArticle(article, null);
      await stores[0].recordDeliveryPending(article.id, version, "d");
      const [sending, delivered] = await Promise.allSettled([
        stores[1].markSending(article.id, version, "d"),
        stores[0].markDelivered(article.id, version, "d", `m${round}`),
      ]);
      expect(delivered.status).toBe("fulfilled");
      if (sending.status === "rejected")
        expect(String(sending.reason)).toMatch(/already delivered; not sending it again/);
      // Whichever ran first, the delivery ends delivered with its message id, never back in "sending".
      expect(await stores[1].getDelivery(article.id, version, "d")).toMatchObject({
        state: "delivered",
        platformMessageId: `m${round}`,
      });
    }
  });

  it("a delivery recorded by many workers at once is one row, and every one of them gets it back", async () => {
    await stores[0].upsertDestination({ id: "d", type: "discord", config: {} });
    await stores[0].upsertArticle(outageArticle(), null);
    for (let round = 0; round < 5; round++) {
      const version = (await stores[0].upsertArticle(outageArticle({ title: `판 ${round}` }), null)).version;
      const recorded = await Promise.all(
        Array.from({ length: 8 }, (_, i) => either(i).recordDeliveryPending("ms-outlook-outage", version, "d")),
      );
      expect(new Set(recorded.map((d) => `${d.version}/${d.state}/${d.createdAt}`)).size).toBe(1);
    }
    expect((await stores[1].countByState()).pending).toBe(5);
  });

  it("a feed removed while one of its articles is stored: the removal happens, the article is stored or refused", async () => {
    for (let round = 0; round < 10; round++) {
      await stores[0].upsertFeed({ id: "wire", type: "rss", config: {}, destinationIds: [] });
      await stores[0].upsertArticle(outageArticle(), "wire");
      const [stored, removed] = await Promise.allSettled([
        stores[0].upsertArticle(outageArticle({ title: `정정 ${round}` }), "wire"),
        stores[1].removeFeed("wire"),
      ]);
      expect(removed).toEqual({ status: "fulfilled", value: true });
      if (stored.status === "rejected") expect(String(stored.reason)).toMatch(/feed wire is not stored/);
      expect((await stores[1].getArticle("ms-outlook-outage"))?.feedId).toBeNull();
    }
  });

  it("two sends of one delivery started at once both find it sendable, and attempts count both", async () => {
    await stores[0].upsertDestination({ id: "d", type: "discord", config: {} });
    await stores[0].upsertArticle(outageArticle(), null);
    await stores[0].recordDeliveryPending("ms-outlook-outage", 1, "d");
    await Promise.all(stores.map((s) => s.markSending("ms-outlook-outage", 1, "d")));
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => either(i).incrementAttempts("ms-outlook-outage", 1, "d")),
    );
    // Each markSending counted one attempt.
    expect(attempts.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 3));
  });

  it("stores opened at once on a new database all work: the schema is created once", async () => {
    const fresh = await backend.createDatabase();
    const opened = await Promise.all([fresh.open(), fresh.open(), fresh.open()]);
    try {
      await Promise.all(opened.map((s, i) => s.upsertDestination({ id: `d${i}`, type: "discord", config: {} })));
      expect((await opened[0]!.listDestinations()).map((d) => d.id)).toEqual(["d0", "d1", "d2"]);
    } finally {
      await Promise.all(opened.map((s) => s.close()));
      await fresh.drop();
    }
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { englishArticle } from "../fixtures/store/articles.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

describe.each(STORE_BACKENDS)("$name store: feeds and seen items", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });
  beforeEach(async () => {
    const { store } = current();
    await store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    await store.upsertDestination({ id: "slack-news", type: "slack", config: {} });
  });

  it("the first-run flag survives reopening the database", async () => {
    const { store, reopen } = current();
    await store.upsertFeed({ id: "newsdao", type: "directory", config: { path: "/srv/posts" }, destinationIds: [] });
    expect(await store.isFirstRunDone("newsdao")).toBe(false);
    await store.markFirstRunDone("newsdao");
    const again = await reopen();
    expect(await again.isFirstRunDone("newsdao")).toBe(true);
    expect((await again.getFeed("newsdao"))?.firstRunDoneAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await again.isFirstRunDone("ghost")).toBe(false);
  });

  it("upserting from config keeps runtime state and replaces the destination list", async () => {
    const { store } = current();
    await store.upsertFeed({
      id: "hn",
      type: "rss",
      config: { url: "https://hn.example/rss" },
      destinationIds: ["discord-main"],
    });
    await store.setFeedPaused("hn", true);
    await store.saveFeedHttpCache("hn", { etag: '"abc"', lastModified: "Wed, 10 Jul 2024 00:00:00 GMT" });
    await store.markFirstRunDone("hn");
    const updated = await store.upsertFeed({
      id: "hn",
      type: "rss",
      config: { url: "https://hn.example/rss2" },
      destinationIds: ["slack-news"],
    });
    expect(updated).toMatchObject({
      paused: true,
      etag: '"abc"',
      lastModified: "Wed, 10 Jul 2024 00:00:00 GMT",
      destinationIds: ["slack-news"],
      config: { url: "https://hn.example/rss2" },
    });
    expect(updated.firstRunDoneAt).not.toBeNull();
    expect(await store.listFeeds({ destinationId: "discord-main" })).toEqual([]);
    expect((await store.listFeeds({ destinationId: "slack-news" })).map((f) => f.id)).toEqual(["hn"]);
    await store.setFeedPaused("hn", false);
    expect((await store.getFeed("hn"))?.paused).toBe(false);
  });

  it("lists feeds by id with their destinations sorted, and keeps no secret of a feed's config", async () => {
    const { store } = current();
    await store.upsertFeed({ id: "zeta", type: "rss", config: {}, destinationIds: ["slack-news", "discord-main"] });
    await store.upsertFeed({
      id: "Alpha",
      type: "rss",
      config: {
        url: "https://reader:hunter2@feeds.example/rss?section=it",
        headers: { authorization: "Bearer abc123456" },
      },
      destinationIds: [],
    });
    const feeds = await store.listFeeds();
    expect(feeds.map((f) => f.id)).toEqual(["Alpha", "zeta"]);
    expect(feeds[1]?.destinationIds).toEqual(["discord-main", "slack-news"]);
    expect(feeds[0]?.config).toEqual({
      url: "https://feeds.example/rss?section=it",
      headers: { authorization: "[redacted]" },
    });
    expect(feeds[0]).toMatchObject({ paused: false, etag: null, lastError: null, firstRunDoneAt: null });
  });

  it("records and clears poll errors, redacted", async () => {
    const { store } = current();
    await store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: [] });
    await store.recordFeedError("hn", "HTTP 500 from https://hn.example/rss?token=s3cr3t");
    expect(await store.getFeed("hn")).toMatchObject({
      lastError: "HTTP 500 from https://hn.example/rss?token=[redacted]",
    });
    expect((await store.getFeed("hn"))?.lastPolledAt).not.toBeNull();
    await store.recordFeedError("hn", null);
    expect((await store.getFeed("hn"))?.lastError).toBeNull();
  });

  it("remembers seen items so changed items can be told apart", async () => {
    const { store } = current();
    await store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: [] });
    expect(await store.getItemHash("hn", "guid-1")).toBeNull();
    await store.markItemSeen("hn", "guid-1", "hash-a");
    expect(await store.getItemHash("hn", "guid-1")).toBe("hash-a");
    await store.markItemSeen("hn", "guid-1", "hash-b");
    expect(await store.getItemHash("hn", "guid-1")).toBe("hash-b");
    await expect(store.markItemSeen("ghost", "guid-1", "x")).rejects.toThrow(/feed ghost is not stored/);
  });

  it("removing a feed drops its seen items and links but keeps its articles", async () => {
    const { store } = current();
    await store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: ["discord-main"] });
    await store.markItemSeen("hn", "guid-1", "hash-a");
    await store.upsertArticle(englishArticle(), "hn");
    expect(await store.removeFeed("hn")).toBe(true);
    expect(await store.removeFeed("hn")).toBe(false);
    expect(await store.getFeed("hn")).toBeNull();
    expect(await store.getItemHash("hn", "guid-1")).toBeNull();
    expect(await store.listFeeds({ destinationId: "discord-main" })).toEqual([]);
    expect((await store.getArticle("aws-dns-incident"))?.feedId).toBeNull();
  });

  it("unknown feeds and destinations give StoreErrors that name them", async () => {
    const { store } = current();
    await expect(store.setFeedPaused("ghost", true)).rejects.toThrow(/feed ghost is not stored/);
    await expect(store.markFirstRunDone("ghost")).rejects.toThrow(/feed ghost is not stored/);
    await expect(store.saveFeedHttpCache("ghost", { etag: null, lastModified: null })).rejects.toThrow(
      /feed ghost is not stored/,
    );
    await expect(store.recordFeedError("ghost", null)).rejects.toThrow(/feed ghost is not stored/);
    await expect(
      store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: ["discord-main", "nowhere"] }),
    ).rejects.toThrow(/feed hn: destination nowhere is not stored/);
    expect(await store.getFeed("hn")).toBeNull();
    await expect(store.upsertFeed({ id: " ", type: "rss", config: {}, destinationIds: [] })).rejects.toThrow(
      /feed id must be/,
    );
  });

  it("createFeedUnless adds the feed unless the check refuses, and the check sees every stored feed", async () => {
    const { store } = current();
    await store.upsertFeed({ id: "one", type: "rss", config: { url: "https://a.example/rss" }, destinationIds: [] });
    const seen: string[][] = [];
    const atMostTwo = (feeds: { id: string }[]) => {
      seen.push(feeds.map((f) => f.id));
      return feeds.length >= 2 ? "limit of 2 feeds reached" : null;
    };
    const add = (id: string) =>
      store.createFeedUnless({ id, type: "rss", config: {}, destinationIds: ["discord-main"] }, atMostTwo);
    expect(await add("two")).toBeNull();
    expect(await add("three")).toBe("limit of 2 feeds reached");
    expect(seen).toEqual([["one"], ["one", "two"]]);
    expect((await store.listFeeds()).map((f) => f.id)).toEqual(["one", "two"]);
    expect((await store.getFeed("two"))?.destinationIds).toEqual(["discord-main"]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/store/index.ts";
import { englishArticle, makeArticle, outageArticle } from "../fixtures/store/articles.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

describe.each(STORE_BACKENDS)("$name store: articles and versions", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });

  it("storing the same content twice keeps one version", async () => {
    const { store } = current();
    expect(await store.upsertArticle(outageArticle(), null)).toEqual({ version: 1, changed: false, isNew: true });
    expect(await store.upsertArticle(outageArticle(), null)).toEqual({ version: 1, changed: false, isNew: false });
    expect(await store.getArticleVersion("ms-outlook-outage", 2)).toBeNull();
  });

  it("the same content with object keys in another order is the same version", async () => {
    const { store } = current();
    await store.upsertArticle(outageArticle(), null);
    const shuffled = Object.fromEntries(Object.entries(outageArticle()).reverse()) as ReturnType<typeof outageArticle>;
    expect(await store.upsertArticle(shuffled, null)).toEqual({ version: 1, changed: false, isNew: false });
  });

  it("reads back the article as it was stored, with its bookkeeping", async () => {
    const { store } = current();
    await store.upsertArticle(outageArticle(), null);
    const stored = await store.getArticle("ms-outlook-outage");
    expect(stored?.article).toEqual(outageArticle());
    expect(stored).toMatchObject({ version: 1, feedId: null });
    expect(stored?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await store.getArticle("nothing-here")).toBeNull();
  });

  it("changed content becomes version 2 and version 1 stays readable", async () => {
    const { store } = current();
    await store.upsertArticle(outageArticle(), null);
    const update = outageArticle({ title: "MS 아웃룩(Azure) 장애 복구 완료" });
    expect(await store.upsertArticle(update, null)).toEqual({ version: 2, changed: true, isNew: false });
    expect((await store.getArticle("ms-outlook-outage"))?.version).toBe(2);
    expect((await store.getArticle("ms-outlook-outage"))?.article.title).toBe("MS 아웃룩(Azure) 장애 복구 완료");
    expect((await store.getArticleVersion("ms-outlook-outage", 1))?.article.title).toBe(outageArticle().title);
    expect(await store.getArticleVersion("ms-outlook-outage", 3)).toBeNull();
    expect(await store.latestVersion("ms-outlook-outage")).toBe(2);
    expect(await store.latestVersion("nothing-here")).toBeNull();
  });

  it("an earlier version arriving again (a replay) creates no version and says which one it repeats", async () => {
    const { store } = current();
    await store.upsertArticle(outageArticle(), null);
    const corrected = outageArticle({ title: "MS 아웃룩(Azure) 장애 복구 완료" });
    expect((await store.upsertArticle(corrected, null)).version).toBe(2);
    expect(await store.upsertArticle(outageArticle(), null)).toEqual({
      version: 2,
      changed: false,
      isNew: false,
      stale: { kind: "replay", reason: "same content as version 1; the latest is version 2" },
    });
    expect((await store.getArticle("ms-outlook-outage"))?.article.title).toBe(corrected.title);
    expect(await store.getArticleVersion("ms-outlook-outage", 3)).toBeNull();
    // The latest content again is the ordinary no-op, and a real new correction still becomes version 3.
    expect(await store.upsertArticle(corrected, null)).toEqual({ version: 2, changed: false, isNew: false });
    expect(await store.upsertArticle(outageArticle({ title: "MS 아웃룩 장애 원인 공개" }), null)).toEqual({
      version: 3,
      changed: true,
      isNew: false,
    });
  });

  it("content dated before the latest version is not a newer version, whatever its words", async () => {
    const { store } = current();
    const dated = (date: string, title: string) => outageArticle({ date, title });
    await store.upsertArticle(dated("2024-07-11T02:00:00.000Z", "first"), null);
    expect((await store.upsertArticle(dated("2024-07-11T05:00:00.000Z", "updated"), null)).version).toBe(2);
    const old = await store.upsertArticle(dated("2024-07-11T03:00:00.000Z", "an edit of an old copy"), null);
    expect(old).toMatchObject({ version: 2, changed: false, isNew: false, stale: { kind: "older" } });
    expect(old.stale?.reason).toBe("dated 2024-07-11T03:00:00.000Z, before version 2 dated 2024-07-11T05:00:00.000Z");
    expect((await store.getArticle("ms-outlook-outage"))?.article.title).toBe("updated");
    // Same date or later is newer content.
    expect((await store.upsertArticle(dated("2024-07-11T05:00:00.000Z", "same time, corrected"), null)).version).toBe(
      3,
    );
  });

  it("a change a reader would not notice (source, language) does not create a version", async () => {
    const { store } = current();
    await store.upsertArticle(outageArticle(), null);
    const same = { ...outageArticle(), source: "mirror.example", language: "en" };
    expect(await store.upsertArticle(same, null)).toEqual({ version: 1, changed: false, isNew: false });
  });

  it("a new timeline row is a change", async () => {
    const { store } = current();
    await store.upsertArticle(outageArticle(), null);
    const base = outageArticle();
    const timeline = {
      labels: base.timeline!.labels,
      rows: [...base.timeline!.rows, { time: "3:00 PM", event: "정상화" }],
    };
    expect((await store.upsertArticle({ ...base, timeline }, null)).version).toBe(2);
  });

  it("lists newest first by date, undated articles by when they were stored, filtered by feed", async () => {
    const { store } = current();
    await store.upsertFeed({ id: "newsdao", type: "directory", config: {}, destinationIds: [] });
    await store.upsertArticle(makeArticle({ id: "old", title: "old", date: "2020-01-01T00:00:00.000Z" }), "newsdao");
    await store.upsertArticle(makeArticle({ id: "new", title: "new", date: "2030-01-01T00:00:00.000Z" }), null);
    await store.upsertArticle(makeArticle({ id: "undated", title: "undated", date: null }), "newsdao");
    const ids = async (options: Parameters<typeof store.latestArticles>[0]) =>
      (await store.latestArticles(options)).map((a) => a.article.id);
    expect(await ids({ limit: 10 })).toEqual(["new", "undated", "old"]);
    expect(await ids({ limit: 2 })).toEqual(["new", "undated"]);
    expect(await ids({ feedIds: ["newsdao"], limit: 10 })).toEqual(["undated", "old"]);
    expect(await store.latestArticles({ feedIds: [], limit: 10 })).toEqual([]);
    await expect(store.latestArticles({ limit: 0 })).rejects.toThrow(
      /limit must be a whole number from 1 to 1000, got 0/,
    );
  });

  it("articles stored one after another with the same date list the later one first", async () => {
    const { store } = current();
    for (const id of ["first", "second", "third"]) await store.upsertArticle(makeArticle({ id, title: id }), null);
    expect((await store.latestArticles({ limit: 10 })).map((a) => a.article.id)).toEqual(["third", "second", "first"]);
  });

  it("keeps an article in every feed that carried it, for listing and for search", async () => {
    const { store } = current();
    for (const id of ["site-a", "site-b", "site-c"])
      await store.upsertFeed({ id, type: "rss", config: {}, destinationIds: [] });
    await store.upsertArticle(outageArticle(), "site-a");
    await store.upsertArticle(outageArticle(), "site-b");
    expect((await store.getArticle("ms-outlook-outage"))?.feedId).toBe("site-b");
    for (const feed of ["site-a", "site-b"]) {
      expect((await store.latestArticles({ feedIds: [feed], limit: 10 })).map((a) => a.article.id)).toEqual([
        "ms-outlook-outage",
      ]);
      expect((await store.searchArticles("장애", { feedIds: [feed] })).map((h) => h.article.id)).toEqual([
        "ms-outlook-outage",
      ]);
    }
    expect(await store.latestArticles({ feedIds: ["site-c"], limit: 10 })).toEqual([]);
    expect(await store.searchArticles("장애", { feedIds: ["site-c"] })).toEqual([]);
    // Stored again without a feed (the ingest API): it keeps the feed it had.
    await store.upsertArticle(outageArticle(), null);
    expect((await store.getArticle("ms-outlook-outage"))?.feedId).toBe("site-b");
  });

  it("finds an article by id or by URL, with or without the trailing slash, and only in the given feeds", async () => {
    const { store } = current();
    await store.upsertFeed({ id: "newsdao", type: "directory", config: {}, destinationIds: [] });
    await store.upsertArticle(outageArticle({ url: "https://newsdao.kr/news/outlook/" }), "newsdao");
    const find = async (ref: string, feedIds?: string[]) =>
      (await store.findArticleByIdOrUrl(ref, feedIds ? { feedIds } : undefined))?.article.id ?? null;
    expect(await find("ms-outlook-outage")).toBe("ms-outlook-outage");
    expect(await find("  ms-outlook-outage ")).toBe("ms-outlook-outage");
    expect(await find("https://newsdao.kr/news/outlook/")).toBe("ms-outlook-outage");
    expect(await find("https://newsdao.kr/news/outlook")).toBe("ms-outlook-outage");
    expect(await find("https://newsdao.kr/news/other")).toBeNull();
    expect(await find("")).toBeNull();
    expect(await find("https://newsdao.kr/news/outlook", ["newsdao"])).toBe("ms-outlook-outage");
    expect(await find("ms-outlook-outage", ["other"])).toBeNull();
    expect(await find("ms-outlook-outage", [])).toBeNull();
  });

  it("refuses an article from a feed that is not stored, naming the feed", async () => {
    const { store } = current();
    await expect(store.upsertArticle(outageArticle(), "ghost-feed")).rejects.toThrow(/feed ghost-feed is not stored/);
    expect(await store.getArticle("ms-outlook-outage")).toBeNull();
  });

  it("refuses malformed articles with a StoreError naming the field", async () => {
    const { store } = current();
    await expect(store.upsertArticle({ ...outageArticle(), id: "" }, null)).rejects.toThrow(StoreError);
    await expect(store.upsertArticle({ ...outageArticle(), id: "" }, null)).rejects.toThrow(
      /id must be a non-empty string/,
    );
    await expect(store.upsertArticle({ ...outageArticle(), date: "yesterday" }, null)).rejects.toThrow(
      /"yesterday" is not an ISO/,
    );
  });

  it("removing a feed keeps its articles, without a feed", async () => {
    const { store } = current();
    await store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: [] });
    await store.upsertArticle(englishArticle(), "hn");
    expect(await store.removeFeed("hn")).toBe(true);
    expect((await store.getArticle("aws-dns-incident"))?.feedId).toBeNull();
    expect(await store.latestArticles({ feedIds: ["hn"], limit: 10 })).toEqual([]);
  });

  it("keeps what a reopened store reads", async () => {
    const { store, reopen } = current();
    await store.upsertArticle(outageArticle(), null);
    const again = await reopen();
    expect((await again.getArticle("ms-outlook-outage"))?.version).toBe(1);
  });
});

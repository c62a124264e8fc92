import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, SQLITE_SCHEMA_VERSION as SCHEMA_VERSION, type Store, StoreError } from "../src/store/index.ts";
import { applyMigrations, MIGRATIONS } from "../src/store/sqlite/migrations.ts";
import { englishArticle, makeArticle, outageArticle } from "./fixtures/store/articles.ts";
import { tempDbDir } from "./fixtures/store/temp-store.ts";
import { fixture } from "./helpers/paths.ts";

let temp: ReturnType<typeof tempDbDir>;
let store: Store;

beforeEach(async () => {
  temp = tempDbDir();
  store = await openStore({ path: temp.dbPath });
});
afterEach(async () => {
  await store.close();
  temp.cleanup();
});

/** A second, raw connection to the same file, for looking behind the Store's back. */
function rawDb(path = temp.dbPath) {
  return new Database(path);
}

async function reopen(): Promise<Store> {
  await store.close();
  store = await openStore({ path: temp.dbPath });
  return store;
}

describe("openStore and migrations", () => {
  it("creates missing parent directories, turns WAL on and records the schema version", async () => {
    expect(existsSync(dirname(temp.dbPath))).toBe(true);
    const db = rawDb();
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("enforces foreign keys: a delivery for an unknown article is refused with a StoreError", async () => {
    await store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    await expect(store.recordDeliveryPending("no-such-article", 1, "discord-main")).rejects.toThrow(StoreError);
    await expect(store.recordDeliveryPending("no-such-article", 1, "discord-main")).rejects.toThrow(/no-such-article.*not stored/);
  });

  it("reopening an already migrated database changes nothing and keeps the data", async () => {
    await store.upsertArticle(outageArticle(), null);
    const schemaBefore = rawDb().prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name").all();
    await reopen();
    await reopen();
    const db = rawDb();
    expect(db.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name").all()).toEqual(schemaBefore);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    expect((await store.getArticle("ms-outlook-outage"))?.version).toBe(1);
  });

  it("refuses a database written by a newer Herald, naming both schema versions", async () => {
    await store.close();
    const db = rawDb();
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await expect(openStore({ path: temp.dbPath })).rejects.toThrow(StoreError);
    await expect(openStore({ path: temp.dbPath })).rejects.toThrow(
      new RegExp(`schema version ${SCHEMA_VERSION + 1}.*only knows up to ${SCHEMA_VERSION}.*newer Herald`),
    );
    store = await openStore({ path: ":memory:" });
  });

  it("rolls back a failing migration together with its version bump", async () => {
    const db = rawDb();
    const broken = {
      version: SCHEMA_VERSION + 1,
      name: "broken step",
      up: (d: Database.Database) => {
        d.exec("CREATE TABLE half_done (x INTEGER)");
        throw new Error("disk on fire");
      },
    };
    expect(() => applyMigrations(db, temp.dbPath, [...MIGRATIONS, broken])).toThrow(
      /migration \d+ \(broken step\) failed and was rolled back: disk on fire/,
    );
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half_done'").get()).toBeUndefined();
    db.close();
  });

  it("a file that is not a SQLite database gives a StoreError naming the file", async () => {
    const bogus = `${temp.dir}/not-a-db.db`;
    writeFileSync(bogus, "this is a text file, not a database ".repeat(200));
    await expect(openStore({ path: bogus })).rejects.toThrow(StoreError);
    await expect(openStore({ path: bogus })).rejects.toThrow(/not-a-db\.db.*not a database/);
  });

  it("several processes opening a fresh file at once migrate it exactly once", async () => {
    const fresh = `${temp.dir}/fresh/shared.db`;
    const run = (id: string) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", fixture("store", "open-store.ts"), fresh, id]);
    const outputs = await Promise.all(["a", "b", "c"].map(run));
    expect(outputs.map((o) => o.stdout.trim())).toEqual([String(SCHEMA_VERSION), String(SCHEMA_VERSION), String(SCHEMA_VERSION)]);
    const shared = await openStore({ path: fresh });
    expect((await shared.listDestinations()).map((d) => d.id)).toEqual(["a", "b", "c"]);
    await shared.close();
  });

  it("works in memory", async () => {
    const memory = await openStore({ path: ":memory:" });
    expect((await memory.upsertArticle(outageArticle(), null)).isNew).toBe(true);
    await memory.close();
  });
});

describe("articles", () => {
  it("storing the same content twice keeps one version", async () => {
    expect(await store.upsertArticle(outageArticle(), null)).toEqual({ version: 1, changed: false, isNew: true });
    expect(await store.upsertArticle(outageArticle(), null)).toEqual({ version: 1, changed: false, isNew: false });
    const db = rawDb();
    expect(db.prepare("SELECT count(*) AS n FROM article_versions").get()).toEqual({ n: 1 });
    db.close();
  });

  it("the same content with object keys in another order is the same version", async () => {
    await store.upsertArticle(outageArticle(), null);
    const shuffled = Object.fromEntries(Object.entries(outageArticle()).reverse()) as ReturnType<typeof outageArticle>;
    expect(await store.upsertArticle(shuffled, null)).toEqual({ version: 1, changed: false, isNew: false });
  });

  it("changed content becomes version 2 and version 1 stays readable", async () => {
    await store.upsertArticle(outageArticle(), null);
    const update = outageArticle({ title: "MS 아웃룩(Azure) 장애 복구 완료" });
    expect(await store.upsertArticle(update, null)).toEqual({ version: 2, changed: true, isNew: false });
    expect((await store.getArticle("ms-outlook-outage"))?.version).toBe(2);
    expect((await store.getArticle("ms-outlook-outage"))?.article.title).toBe("MS 아웃룩(Azure) 장애 복구 완료");
    expect((await store.getArticleVersion("ms-outlook-outage", 1))?.article.title).toBe(outageArticle().title);
    expect(await store.getArticleVersion("ms-outlook-outage", 3)).toBeNull();
  });

  it("an earlier version arriving again (a replay) creates no version and says which one it repeats", async () => {
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
    expect(await store.upsertArticle(outageArticle({ title: "MS 아웃룩 장애 원인 공개" }), null)).toEqual({ version: 3, changed: true, isNew: false });
  });

  it("content dated before the latest version is not a newer version, whatever its words", async () => {
    const dated = (date: string, title: string) => outageArticle({ date, title });
    await store.upsertArticle(dated("2024-07-11T02:00:00.000Z", "first"), null);
    expect((await store.upsertArticle(dated("2024-07-11T05:00:00.000Z", "updated"), null)).version).toBe(2);
    const old = await store.upsertArticle(dated("2024-07-11T03:00:00.000Z", "an edit of an old copy"), null);
    expect(old).toMatchObject({ version: 2, changed: false, isNew: false, stale: { kind: "older" } });
    expect(old.stale?.reason).toBe("dated 2024-07-11T03:00:00.000Z, before version 2 dated 2024-07-11T05:00:00.000Z");
    expect((await store.getArticle("ms-outlook-outage"))?.article.title).toBe("updated");
    // Same date or later is newer content.
    expect((await store.upsertArticle(dated("2024-07-11T05:00:00.000Z", "same time, corrected"), null)).version).toBe(3);
  });

  it("a change a reader would not notice (source, language) does not create a version", async () => {
    await store.upsertArticle(outageArticle(), null);
    const same = { ...outageArticle(), source: "mirror.example", language: "en" };
    expect(await store.upsertArticle(same, null)).toEqual({ version: 1, changed: false, isNew: false });
  });

  it("a new timeline row is a change", async () => {
    await store.upsertArticle(outageArticle(), null);
    const base = outageArticle();
    const timeline = { labels: base.timeline!.labels, rows: [...base.timeline!.rows, { time: "3:00 PM", event: "정상화" }] };
    expect((await store.upsertArticle({ ...base, timeline }, null)).version).toBe(2);
  });

  it("lists newest first by date, undated articles by when they were stored, filtered by feed", async () => {
    await store.upsertFeed({ id: "newsdao", type: "directory", config: {}, destinationIds: [] });
    await store.upsertArticle(makeArticle({ id: "old", title: "old", date: "2020-01-01T00:00:00.000Z" }), "newsdao");
    await store.upsertArticle(makeArticle({ id: "new", title: "new", date: "2030-01-01T00:00:00.000Z" }), null);
    await store.upsertArticle(makeArticle({ id: "undated", title: "undated", date: null }), "newsdao");
    expect((await store.latestArticles({ limit: 10 })).map((a) => a.article.id)).toEqual(["new", "undated", "old"]);
    expect((await store.latestArticles({ limit: 2 })).map((a) => a.article.id)).toEqual(["new", "undated"]);
    expect((await store.latestArticles({ feedIds: ["newsdao"], limit: 10 })).map((a) => a.article.id)).toEqual(["undated", "old"]);
    expect(await store.latestArticles({ feedIds: [], limit: 10 })).toEqual([]);
  });

  it("keeps an article in every feed that carried it, for listing and for search", async () => {
    await store.upsertFeed({ id: "site-a", type: "directory", config: {}, destinationIds: [] });
    await store.upsertFeed({ id: "site-b", type: "rss", config: {}, destinationIds: [] });
    await store.upsertFeed({ id: "site-c", type: "rss", config: {}, destinationIds: [] });
    await store.upsertArticle(outageArticle(), "site-a");
    await store.upsertArticle(outageArticle(), "site-b");
    for (const feed of ["site-a", "site-b"]) {
      expect((await store.latestArticles({ feedIds: [feed], limit: 10 })).map((a) => a.article.id)).toEqual(["ms-outlook-outage"]);
      expect((await store.searchArticles("장애", { feedIds: [feed] })).map((h) => h.article.id)).toEqual(["ms-outlook-outage"]);
    }
    expect(await store.latestArticles({ feedIds: ["site-c"], limit: 10 })).toEqual([]);
    expect(await store.searchArticles("장애", { feedIds: ["site-c"] })).toEqual([]);
  });

  it("finds an article by id or by URL, with or without the trailing slash", async () => {
    await store.upsertArticle(outageArticle({ url: "https://newsdao.kr/news/outlook/" }), null);
    expect((await store.findArticleByIdOrUrl("ms-outlook-outage"))?.article.id).toBe("ms-outlook-outage");
    expect((await store.findArticleByIdOrUrl("https://newsdao.kr/news/outlook/"))?.article.id).toBe("ms-outlook-outage");
    expect((await store.findArticleByIdOrUrl("https://newsdao.kr/news/outlook"))?.article.id).toBe("ms-outlook-outage");
    expect(await store.findArticleByIdOrUrl("https://newsdao.kr/news/other")).toBeNull();
  });

  it("refuses an article from a feed that is not stored, naming the feed", async () => {
    await expect(store.upsertArticle(outageArticle(), "ghost-feed")).rejects.toThrow(/feed ghost-feed is not stored/);
    expect(await store.getArticle("ms-outlook-outage")).toBeNull();
  });

  it("refuses malformed articles with a StoreError naming the field", async () => {
    await expect(store.upsertArticle({ ...outageArticle(), id: "" }, null)).rejects.toThrow(/id must be a non-empty string/);
    await expect(store.upsertArticle({ ...outageArticle(), date: "yesterday" }, null)).rejects.toThrow(/"yesterday" is not an ISO/);
  });
});

describe("deliveries", () => {
  beforeEach(async () => {
    await store.upsertDestination({ id: "discord-main", type: "discord", config: { channelId: "123" } });
    await store.upsertDestination({ id: "slack-news", type: "slack", config: {} });
    await store.upsertArticle(outageArticle(), null);
  });

  it("are unique per article, version and destination", async () => {
    const first = await store.recordDeliveryPending("ms-outlook-outage", 1, "discord-main");
    await store.markSending("ms-outlook-outage", 1, "discord-main");
    const again = await store.recordDeliveryPending("ms-outlook-outage", 1, "discord-main");
    expect(again.state).toBe("sending");
    expect(again.createdAt).toBe(first.createdAt);
    await store.recordDeliveryPending("ms-outlook-outage", 1, "slack-news");
    await store.upsertArticle(outageArticle({ title: "복구 완료" }), null);
    await store.recordDeliveryPending("ms-outlook-outage", 2, "discord-main");
    expect(await store.countByState()).toEqual({ pending: 2, sending: 1, delivered: 0, failed: 0 });
  });

  it("record each state transition with attempts, the last error and the platform message id", async () => {
    const key = ["ms-outlook-outage", 1, "discord-main"] as const;
    expect(await store.recordDeliveryPending(...key)).toMatchObject({ state: "pending", attempts: 0, lastError: null });
    await store.markSending(...key);
    expect(await store.incrementAttempts(...key)).toBe(1);
    expect(await store.markFailed(...key, "HTTP 503 from Discord", false)).toMatchObject({
      state: "failed",
      attempts: 1,
      lastError: "HTTP 503 from Discord",
      permanentFailure: false,
    });
    expect((await store.markSending(...key)).state).toBe("sending");
    expect(await store.incrementAttempts(...key)).toBe(2);
    const delivered = await store.markDelivered(...key, "1261234567890123456");
    expect(delivered).toMatchObject({ state: "delivered", attempts: 2, platformMessageId: "1261234567890123456" });
    expect(delivered.deliveredAt).not.toBeNull();
    expect(await store.getDelivery(...key)).toEqual(delivered);
    expect((await store.latestDelivered("ms-outlook-outage", "discord-main"))?.platformMessageId).toBe("1261234567890123456");
    expect(await store.listRecentDeliveries(10)).toEqual([delivered]);
    expect(await store.countByState()).toEqual({ pending: 0, sending: 0, delivered: 1, failed: 0 });
  });

  it("a permanent failure or a finished delivery is not sent again", async () => {
    await store.recordDeliveryPending("ms-outlook-outage", 1, "discord-main");
    await store.markFailed("ms-outlook-outage", 1, "discord-main", "Missing Access (50001)", true);
    await expect(store.markSending("ms-outlook-outage", 1, "discord-main")).rejects.toThrow(/failed permanently \(Missing Access/);
    await store.recordDeliveryPending("ms-outlook-outage", 1, "slack-news");
    await store.markDelivered("ms-outlook-outage", 1, "slack-news", "1720663200.000100");
    await expect(store.markSending("ms-outlook-outage", 1, "slack-news")).rejects.toThrow(/already delivered/);
  });

  it("long errors are cut to 2000 characters", async () => {
    await store.recordDeliveryPending("ms-outlook-outage", 1, "discord-main");
    const failed = await store.markFailed("ms-outlook-outage", 1, "discord-main", "x".repeat(10_000), false);
    expect(failed.lastError?.length).toBe(2000);
  });

  it("changing a delivery that was never recorded, or to an unknown destination, is a StoreError", async () => {
    await expect(store.markSending("ms-outlook-outage", 1, "discord-main")).rejects.toThrow(/not recorded; call recordDeliveryPending/);
    await expect(store.incrementAttempts("ms-outlook-outage", 1, "discord-main")).rejects.toThrow(StoreError);
    await expect(store.recordDeliveryPending("ms-outlook-outage", 1, "nowhere")).rejects.toThrow(/nowhere.*not stored/);
    expect(await store.getDelivery("ms-outlook-outage", 1, "discord-main")).toBeNull();
  });
});

describe("feeds", () => {
  beforeEach(async () => {
    await store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    await store.upsertDestination({ id: "slack-news", type: "slack", config: {} });
  });

  it("the first-run flag survives reopening the database file", async () => {
    await store.upsertFeed({ id: "newsdao", type: "directory", config: { path: "/srv/posts" }, destinationIds: [] });
    expect(await store.isFirstRunDone("newsdao")).toBe(false);
    await store.markFirstRunDone("newsdao");
    await reopen();
    expect(await store.isFirstRunDone("newsdao")).toBe(true);
    expect((await store.getFeed("newsdao"))?.firstRunDoneAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("upserting from config keeps runtime state and replaces the destination list", async () => {
    await store.upsertFeed({ id: "hn", type: "rss", config: { url: "https://hn.example/rss" }, destinationIds: ["discord-main"] });
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
  });

  it("records and clears poll errors", async () => {
    await store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: [] });
    await store.recordFeedError("hn", "HTTP 500 from https://hn.example/rss");
    expect(await store.getFeed("hn")).toMatchObject({ lastError: "HTTP 500 from https://hn.example/rss" });
    expect((await store.getFeed("hn"))?.lastPolledAt).not.toBeNull();
    await store.recordFeedError("hn", null);
    expect((await store.getFeed("hn"))?.lastError).toBeNull();
  });

  it("remembers seen items so changed items can be told apart", async () => {
    await store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: [] });
    expect(await store.getItemHash("hn", "guid-1")).toBeNull();
    await store.markItemSeen("hn", "guid-1", "hash-a");
    expect(await store.getItemHash("hn", "guid-1")).toBe("hash-a");
    await store.markItemSeen("hn", "guid-1", "hash-b");
    expect(await store.getItemHash("hn", "guid-1")).toBe("hash-b");
    await expect(store.markItemSeen("ghost", "guid-1", "x")).rejects.toThrow(/feed ghost is not stored/);
  });

  it("removing a feed drops its seen items and links but keeps its articles", async () => {
    await store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: ["discord-main"] });
    await store.markItemSeen("hn", "guid-1", "hash-a");
    await store.upsertArticle(englishArticle(), "hn");
    expect(await store.removeFeed("hn")).toBe(true);
    expect(await store.removeFeed("hn")).toBe(false);
    expect(await store.getFeed("hn")).toBeNull();
    expect(await store.getItemHash("hn", "guid-1")).toBeNull();
    expect((await store.getArticle("aws-dns-incident"))?.feedId).toBeNull();
  });

  it("unknown feeds and destinations give StoreErrors that name them", async () => {
    await expect(store.setFeedPaused("ghost", true)).rejects.toThrow(/feed ghost is not stored/);
    await expect(store.markFirstRunDone("ghost")).rejects.toThrow(/feed ghost is not stored/);
    await expect(store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: ["nowhere"] })).rejects.toThrow(
      /feed hn: destination nowhere is not stored/,
    );
    expect(await store.getFeed("hn")).toBeNull();
  });
});

describe("destinations", () => {
  it("never store tokens or webhook URLs", async () => {
    const token = "7012345678:AAHb4r3GhJkLmNoPqRsTuVwXyZ0123456789";
    const webhook = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";
    await store.upsertDestination({ id: "tg", type: "telegram", config: { botToken: token, chatId: "-100123" } });
    await store.upsertDestination({ id: "sl", type: "slack", config: { webhookUrl: webhook, channel: "#news" } });
    await store.upsertDestination({ id: "sl2", type: "slack", config: { target: { url: webhook } } });
    expect((await store.getDestination("tg"))?.config).toEqual({ botToken: "[redacted]", chatId: "-100123" });
    expect((await store.getDestination("sl"))?.config).toEqual({ webhookUrl: "[redacted]", channel: "#news" });
    expect((await store.getDestination("sl2"))?.config).toEqual({ target: { url: "https://hooks.slack.com/[redacted]" } });
    await store.close();
    for (const suffix of ["", "-wal"]) {
      const file = `${temp.dbPath}${suffix}`;
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file).toString("latin1");
      expect(bytes).not.toContain("AAHb4r3GhJkLmNoPqRsTuVwXyZ");
      expect(bytes).not.toContain("XXXXXXXXXXXXXXXXXXXXXXXX");
    }
    store = await openStore({ path: temp.dbPath });
  });

  it("are flagged with a reason and cleared again", async () => {
    await store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    await store.flagDestination("discord-main", "Missing Access: the bot was removed from the channel");
    expect(await store.getDestination("discord-main")).toMatchObject({
      flaggedReason: "Missing Access: the bot was removed from the channel",
    });
    await store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    expect((await store.listDestinations())[0]?.flaggedReason).toMatch(/Missing Access/);
    await store.clearDestinationFlag("discord-main");
    expect(await store.getDestination("discord-main")).toMatchObject({ flaggedReason: null, flaggedAt: null });
    await expect(store.flagDestination("ghost", "x")).rejects.toThrow(/destination ghost is not stored/);
  });
});

describe("card cache", () => {
  it("stores and returns PNG bytes by key", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    expect(await store.getCard("k1")).toBeNull();
    await store.putCard("k1", png);
    expect(Buffer.compare((await store.getCard("k1"))!, png)).toBe(0);
    expect(await store.pruneCardsBefore("9999-01-01T00:00:00.000Z")).toBe(1);
    expect(await store.getCard("k1")).toBeNull();
  });
});

import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, SCHEMA_VERSION, type Store, StoreError } from "../src/store/index.ts";
import { applyMigrations, MIGRATIONS } from "../src/store/migrations.ts";
import { englishArticle, makeArticle, outageArticle } from "./fixtures/store/articles.ts";
import { tempDbDir } from "./fixtures/store/temp-store.ts";
import { fixture } from "./helpers/paths.ts";

let temp: ReturnType<typeof tempDbDir>;
let store: Store;

beforeEach(() => {
  temp = tempDbDir();
  store = openStore(temp.dbPath);
});
afterEach(() => {
  store.close();
  temp.cleanup();
});

/** A second, raw connection to the same file, for looking behind the Store's back. */
function rawDb(path = temp.dbPath) {
  return new Database(path);
}

function reopen(): Store {
  store.close();
  store = openStore(temp.dbPath);
  return store;
}

describe("openStore and migrations", () => {
  it("creates missing parent directories, turns WAL on and records the schema version", () => {
    expect(existsSync(dirname(temp.dbPath))).toBe(true);
    const db = rawDb();
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("enforces foreign keys: a delivery for an unknown article is refused with a StoreError", () => {
    store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    expect(() => store.recordDeliveryPending("no-such-article", 1, "discord-main")).toThrow(StoreError);
    expect(() => store.recordDeliveryPending("no-such-article", 1, "discord-main")).toThrow(/no-such-article.*not stored/);
  });

  it("reopening an already migrated database changes nothing and keeps the data", () => {
    store.upsertArticle(outageArticle(), null);
    const schemaBefore = rawDb().prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name").all();
    reopen();
    reopen();
    const db = rawDb();
    expect(db.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name").all()).toEqual(schemaBefore);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    expect(store.getArticle("ms-outlook-outage")?.version).toBe(1);
  });

  it("refuses a database written by a newer Herald, naming both schema versions", () => {
    store.close();
    const db = rawDb();
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openStore(temp.dbPath)).toThrow(StoreError);
    expect(() => openStore(temp.dbPath)).toThrow(
      new RegExp(`schema version ${SCHEMA_VERSION + 1}.*only knows up to ${SCHEMA_VERSION}.*newer Herald`),
    );
    store = openStore(":memory:");
  });

  it("rolls back a failing migration together with its version bump", () => {
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

  it("a file that is not a SQLite database gives a StoreError naming the file", () => {
    const bogus = `${temp.dir}/not-a-db.db`;
    writeFileSync(bogus, "this is a text file, not a database ".repeat(200));
    expect(() => openStore(bogus)).toThrow(StoreError);
    expect(() => openStore(bogus)).toThrow(/not-a-db\.db.*not a database/);
  });

  it("several processes opening a fresh file at once migrate it exactly once", async () => {
    const fresh = `${temp.dir}/fresh/shared.db`;
    const run = (id: string) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", fixture("store", "open-store.ts"), fresh, id]);
    const outputs = await Promise.all(["a", "b", "c"].map(run));
    expect(outputs.map((o) => o.stdout.trim())).toEqual([String(SCHEMA_VERSION), String(SCHEMA_VERSION), String(SCHEMA_VERSION)]);
    const shared = openStore(fresh);
    expect(shared.listDestinations().map((d) => d.id)).toEqual(["a", "b", "c"]);
    shared.close();
  });

  it("works in memory", () => {
    const memory = openStore(":memory:");
    expect(memory.upsertArticle(outageArticle(), null).isNew).toBe(true);
    memory.close();
  });
});

describe("articles", () => {
  it("storing the same content twice keeps one version", () => {
    expect(store.upsertArticle(outageArticle(), null)).toEqual({ version: 1, changed: false, isNew: true });
    expect(store.upsertArticle(outageArticle(), null)).toEqual({ version: 1, changed: false, isNew: false });
    const db = rawDb();
    expect(db.prepare("SELECT count(*) AS n FROM article_versions").get()).toEqual({ n: 1 });
    db.close();
  });

  it("the same content with object keys in another order is the same version", () => {
    store.upsertArticle(outageArticle(), null);
    const shuffled = Object.fromEntries(Object.entries(outageArticle()).reverse()) as ReturnType<typeof outageArticle>;
    expect(store.upsertArticle(shuffled, null)).toEqual({ version: 1, changed: false, isNew: false });
  });

  it("changed content becomes version 2 and version 1 stays readable", () => {
    store.upsertArticle(outageArticle(), null);
    const update = outageArticle({ title: "MS 아웃룩(Azure) 장애 복구 완료" });
    expect(store.upsertArticle(update, null)).toEqual({ version: 2, changed: true, isNew: false });
    expect(store.getArticle("ms-outlook-outage")?.version).toBe(2);
    expect(store.getArticle("ms-outlook-outage")?.article.title).toBe("MS 아웃룩(Azure) 장애 복구 완료");
    expect(store.getArticleVersion("ms-outlook-outage", 1)?.article.title).toBe(outageArticle().title);
    expect(store.getArticleVersion("ms-outlook-outage", 3)).toBeNull();
  });

  it("an earlier version arriving again (a replay) creates no version and says which one it repeats", () => {
    store.upsertArticle(outageArticle(), null);
    const corrected = outageArticle({ title: "MS 아웃룩(Azure) 장애 복구 완료" });
    expect(store.upsertArticle(corrected, null).version).toBe(2);
    expect(store.upsertArticle(outageArticle(), null)).toEqual({
      version: 2,
      changed: false,
      isNew: false,
      stale: { kind: "replay", reason: "same content as version 1; the latest is version 2" },
    });
    expect(store.getArticle("ms-outlook-outage")?.article.title).toBe(corrected.title);
    expect(store.getArticleVersion("ms-outlook-outage", 3)).toBeNull();
    // The latest content again is the ordinary no-op, and a real new correction still becomes version 3.
    expect(store.upsertArticle(corrected, null)).toEqual({ version: 2, changed: false, isNew: false });
    expect(store.upsertArticle(outageArticle({ title: "MS 아웃룩 장애 원인 공개" }), null)).toEqual({ version: 3, changed: true, isNew: false });
  });

  it("content dated before the latest version is not a newer version, whatever its words", () => {
    const dated = (date: string, title: string) => outageArticle({ date, title });
    store.upsertArticle(dated("2024-07-11T02:00:00.000Z", "first"), null);
    expect(store.upsertArticle(dated("2024-07-11T05:00:00.000Z", "updated"), null).version).toBe(2);
    const old = store.upsertArticle(dated("2024-07-11T03:00:00.000Z", "an edit of an old copy"), null);
    expect(old).toMatchObject({ version: 2, changed: false, isNew: false, stale: { kind: "older" } });
    expect(old.stale?.reason).toBe("dated 2024-07-11T03:00:00.000Z, before version 2 dated 2024-07-11T05:00:00.000Z");
    expect(store.getArticle("ms-outlook-outage")?.article.title).toBe("updated");
    // Same date or later is newer content.
    expect(store.upsertArticle(dated("2024-07-11T05:00:00.000Z", "same time, corrected"), null).version).toBe(3);
  });

  it("a change a reader would not notice (source, language) does not create a version", () => {
    store.upsertArticle(outageArticle(), null);
    const same = { ...outageArticle(), source: "mirror.example", language: "en" };
    expect(store.upsertArticle(same, null)).toEqual({ version: 1, changed: false, isNew: false });
  });

  it("a new timeline row is a change", () => {
    store.upsertArticle(outageArticle(), null);
    const base = outageArticle();
    const timeline = { labels: base.timeline!.labels, rows: [...base.timeline!.rows, { time: "3:00 PM", event: "정상화" }] };
    expect(store.upsertArticle({ ...base, timeline }, null).version).toBe(2);
  });

  it("lists newest first by date, undated articles by when they were stored, filtered by feed", () => {
    store.upsertFeed({ id: "newsdao", type: "directory", config: {}, destinationIds: [] });
    store.upsertArticle(makeArticle({ id: "old", title: "old", date: "2020-01-01T00:00:00.000Z" }), "newsdao");
    store.upsertArticle(makeArticle({ id: "new", title: "new", date: "2030-01-01T00:00:00.000Z" }), null);
    store.upsertArticle(makeArticle({ id: "undated", title: "undated", date: null }), "newsdao");
    expect(store.latestArticles({ limit: 10 }).map((a) => a.article.id)).toEqual(["new", "undated", "old"]);
    expect(store.latestArticles({ limit: 2 }).map((a) => a.article.id)).toEqual(["new", "undated"]);
    expect(store.latestArticles({ feedIds: ["newsdao"], limit: 10 }).map((a) => a.article.id)).toEqual(["undated", "old"]);
    expect(store.latestArticles({ feedIds: [], limit: 10 })).toEqual([]);
  });

  it("keeps an article in every feed that carried it, for listing and for search", () => {
    store.upsertFeed({ id: "site-a", type: "directory", config: {}, destinationIds: [] });
    store.upsertFeed({ id: "site-b", type: "rss", config: {}, destinationIds: [] });
    store.upsertFeed({ id: "site-c", type: "rss", config: {}, destinationIds: [] });
    store.upsertArticle(outageArticle(), "site-a");
    store.upsertArticle(outageArticle(), "site-b");
    for (const feed of ["site-a", "site-b"]) {
      expect(store.latestArticles({ feedIds: [feed], limit: 10 }).map((a) => a.article.id)).toEqual(["ms-outlook-outage"]);
      expect(store.searchArticles("장애", { feedIds: [feed] }).map((h) => h.article.id)).toEqual(["ms-outlook-outage"]);
    }
    expect(store.latestArticles({ feedIds: ["site-c"], limit: 10 })).toEqual([]);
    expect(store.searchArticles("장애", { feedIds: ["site-c"] })).toEqual([]);
  });

  it("finds an article by id or by URL, with or without the trailing slash", () => {
    store.upsertArticle(outageArticle({ url: "https://newsdao.kr/news/outlook/" }), null);
    expect(store.findArticleByIdOrUrl("ms-outlook-outage")?.article.id).toBe("ms-outlook-outage");
    expect(store.findArticleByIdOrUrl("https://newsdao.kr/news/outlook/")?.article.id).toBe("ms-outlook-outage");
    expect(store.findArticleByIdOrUrl("https://newsdao.kr/news/outlook")?.article.id).toBe("ms-outlook-outage");
    expect(store.findArticleByIdOrUrl("https://newsdao.kr/news/other")).toBeNull();
  });

  it("refuses an article from a feed that is not stored, naming the feed", () => {
    expect(() => store.upsertArticle(outageArticle(), "ghost-feed")).toThrow(/feed ghost-feed is not stored/);
    expect(store.getArticle("ms-outlook-outage")).toBeNull();
  });

  it("refuses malformed articles with a StoreError naming the field", () => {
    expect(() => store.upsertArticle({ ...outageArticle(), id: "" }, null)).toThrow(/id must be a non-empty string/);
    expect(() => store.upsertArticle({ ...outageArticle(), date: "yesterday" }, null)).toThrow(/"yesterday" is not an ISO/);
  });
});

describe("deliveries", () => {
  beforeEach(() => {
    store.upsertDestination({ id: "discord-main", type: "discord", config: { channelId: "123" } });
    store.upsertDestination({ id: "slack-news", type: "slack", config: {} });
    store.upsertArticle(outageArticle(), null);
  });

  it("are unique per article, version and destination", () => {
    const first = store.recordDeliveryPending("ms-outlook-outage", 1, "discord-main");
    store.markSending("ms-outlook-outage", 1, "discord-main");
    const again = store.recordDeliveryPending("ms-outlook-outage", 1, "discord-main");
    expect(again.state).toBe("sending");
    expect(again.createdAt).toBe(first.createdAt);
    store.recordDeliveryPending("ms-outlook-outage", 1, "slack-news");
    store.upsertArticle(outageArticle({ title: "복구 완료" }), null);
    store.recordDeliveryPending("ms-outlook-outage", 2, "discord-main");
    expect(store.countByState()).toEqual({ pending: 2, sending: 1, delivered: 0, failed: 0 });
  });

  it("record each state transition with attempts, the last error and the platform message id", () => {
    const key = ["ms-outlook-outage", 1, "discord-main"] as const;
    expect(store.recordDeliveryPending(...key)).toMatchObject({ state: "pending", attempts: 0, lastError: null });
    store.markSending(...key);
    expect(store.incrementAttempts(...key)).toBe(1);
    expect(store.markFailed(...key, "HTTP 503 from Discord", false)).toMatchObject({
      state: "failed",
      attempts: 1,
      lastError: "HTTP 503 from Discord",
      permanentFailure: false,
    });
    expect(store.markSending(...key).state).toBe("sending");
    expect(store.incrementAttempts(...key)).toBe(2);
    const delivered = store.markDelivered(...key, "1261234567890123456");
    expect(delivered).toMatchObject({ state: "delivered", attempts: 2, platformMessageId: "1261234567890123456" });
    expect(delivered.deliveredAt).not.toBeNull();
    expect(store.getDelivery(...key)).toEqual(delivered);
    expect(store.latestDelivered("ms-outlook-outage", "discord-main")?.platformMessageId).toBe("1261234567890123456");
    expect(store.listRecentDeliveries(10)).toEqual([delivered]);
    expect(store.countByState()).toEqual({ pending: 0, sending: 0, delivered: 1, failed: 0 });
  });

  it("a permanent failure or a finished delivery is not sent again", () => {
    store.recordDeliveryPending("ms-outlook-outage", 1, "discord-main");
    store.markFailed("ms-outlook-outage", 1, "discord-main", "Missing Access (50001)", true);
    expect(() => store.markSending("ms-outlook-outage", 1, "discord-main")).toThrow(/failed permanently \(Missing Access/);
    store.recordDeliveryPending("ms-outlook-outage", 1, "slack-news");
    store.markDelivered("ms-outlook-outage", 1, "slack-news", "1720663200.000100");
    expect(() => store.markSending("ms-outlook-outage", 1, "slack-news")).toThrow(/already delivered/);
  });

  it("long errors are cut to 2000 characters", () => {
    store.recordDeliveryPending("ms-outlook-outage", 1, "discord-main");
    const failed = store.markFailed("ms-outlook-outage", 1, "discord-main", "x".repeat(10_000), false);
    expect(failed.lastError?.length).toBe(2000);
  });

  it("changing a delivery that was never recorded, or to an unknown destination, is a StoreError", () => {
    expect(() => store.markSending("ms-outlook-outage", 1, "discord-main")).toThrow(/not recorded; call recordDeliveryPending/);
    expect(() => store.incrementAttempts("ms-outlook-outage", 1, "discord-main")).toThrow(StoreError);
    expect(() => store.recordDeliveryPending("ms-outlook-outage", 1, "nowhere")).toThrow(/nowhere.*not stored/);
    expect(store.getDelivery("ms-outlook-outage", 1, "discord-main")).toBeNull();
  });
});

describe("feeds", () => {
  beforeEach(() => {
    store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    store.upsertDestination({ id: "slack-news", type: "slack", config: {} });
  });

  it("the first-run flag survives reopening the database file", () => {
    store.upsertFeed({ id: "newsdao", type: "directory", config: { path: "/srv/posts" }, destinationIds: [] });
    expect(store.isFirstRunDone("newsdao")).toBe(false);
    store.markFirstRunDone("newsdao");
    reopen();
    expect(store.isFirstRunDone("newsdao")).toBe(true);
    expect(store.getFeed("newsdao")?.firstRunDoneAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("upserting from config keeps runtime state and replaces the destination list", () => {
    store.upsertFeed({ id: "hn", type: "rss", config: { url: "https://hn.example/rss" }, destinationIds: ["discord-main"] });
    store.setFeedPaused("hn", true);
    store.saveFeedHttpCache("hn", { etag: '"abc"', lastModified: "Wed, 10 Jul 2024 00:00:00 GMT" });
    store.markFirstRunDone("hn");
    const updated = store.upsertFeed({
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
    expect(store.listFeeds({ destinationId: "discord-main" })).toEqual([]);
    expect(store.listFeeds({ destinationId: "slack-news" }).map((f) => f.id)).toEqual(["hn"]);
  });

  it("records and clears poll errors", () => {
    store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: [] });
    store.recordFeedError("hn", "HTTP 500 from https://hn.example/rss");
    expect(store.getFeed("hn")).toMatchObject({ lastError: "HTTP 500 from https://hn.example/rss" });
    expect(store.getFeed("hn")?.lastPolledAt).not.toBeNull();
    store.recordFeedError("hn", null);
    expect(store.getFeed("hn")?.lastError).toBeNull();
  });

  it("remembers seen items so changed items can be told apart", () => {
    store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: [] });
    expect(store.getItemHash("hn", "guid-1")).toBeNull();
    store.markItemSeen("hn", "guid-1", "hash-a");
    expect(store.getItemHash("hn", "guid-1")).toBe("hash-a");
    store.markItemSeen("hn", "guid-1", "hash-b");
    expect(store.getItemHash("hn", "guid-1")).toBe("hash-b");
    expect(() => store.markItemSeen("ghost", "guid-1", "x")).toThrow(/feed ghost is not stored/);
  });

  it("removing a feed drops its seen items and links but keeps its articles", () => {
    store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: ["discord-main"] });
    store.markItemSeen("hn", "guid-1", "hash-a");
    store.upsertArticle(englishArticle(), "hn");
    expect(store.removeFeed("hn")).toBe(true);
    expect(store.removeFeed("hn")).toBe(false);
    expect(store.getFeed("hn")).toBeNull();
    expect(store.getItemHash("hn", "guid-1")).toBeNull();
    expect(store.getArticle("aws-dns-incident")?.feedId).toBeNull();
  });

  it("unknown feeds and destinations give StoreErrors that name them", () => {
    expect(() => store.setFeedPaused("ghost", true)).toThrow(/feed ghost is not stored/);
    expect(() => store.markFirstRunDone("ghost")).toThrow(/feed ghost is not stored/);
    expect(() => store.upsertFeed({ id: "hn", type: "rss", config: {}, destinationIds: ["nowhere"] })).toThrow(
      /feed hn: destination nowhere is not stored/,
    );
    expect(store.getFeed("hn")).toBeNull();
  });
});

describe("destinations", () => {
  it("never store tokens or webhook URLs", () => {
    const token = "7012345678:AAHb4r3GhJkLmNoPqRsTuVwXyZ0123456789";
    const webhook = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";
    store.upsertDestination({ id: "tg", type: "telegram", config: { botToken: token, chatId: "-100123" } });
    store.upsertDestination({ id: "sl", type: "slack", config: { webhookUrl: webhook, channel: "#news" } });
    store.upsertDestination({ id: "sl2", type: "slack", config: { target: { url: webhook } } });
    expect(store.getDestination("tg")?.config).toEqual({ botToken: "[redacted]", chatId: "-100123" });
    expect(store.getDestination("sl")?.config).toEqual({ webhookUrl: "[redacted]", channel: "#news" });
    expect(store.getDestination("sl2")?.config).toEqual({ target: { url: "https://hooks.slack.com/[redacted]" } });
    store.close();
    for (const suffix of ["", "-wal"]) {
      const file = `${temp.dbPath}${suffix}`;
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file).toString("latin1");
      expect(bytes).not.toContain("AAHb4r3GhJkLmNoPqRsTuVwXyZ");
      expect(bytes).not.toContain("XXXXXXXXXXXXXXXXXXXXXXXX");
    }
    store = openStore(temp.dbPath);
  });

  it("are flagged with a reason and cleared again", () => {
    store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    store.flagDestination("discord-main", "Missing Access: the bot was removed from the channel");
    expect(store.getDestination("discord-main")).toMatchObject({
      flaggedReason: "Missing Access: the bot was removed from the channel",
    });
    store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    expect(store.listDestinations()[0]?.flaggedReason).toMatch(/Missing Access/);
    store.clearDestinationFlag("discord-main");
    expect(store.getDestination("discord-main")).toMatchObject({ flaggedReason: null, flaggedAt: null });
    expect(() => store.flagDestination("ghost", "x")).toThrow(/destination ghost is not stored/);
  });
});

describe("card cache", () => {
  it("stores and returns PNG bytes by key", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    expect(store.getCard("k1")).toBeNull();
    store.putCard("k1", png);
    expect(Buffer.compare(store.getCard("k1")!, png)).toBe(0);
    expect(store.pruneCardsBefore("9999-01-01T00:00:00.000Z")).toBe(1);
    expect(store.getCard("k1")).toBeNull();
  });
});

describe("transactions", () => {
  it("roll back every write when the callback throws", () => {
    store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    expect(() =>
      store.transaction(() => {
        store.upsertArticle(outageArticle(), null);
        store.recordDeliveryPending("ms-outlook-outage", 1, "discord-main");
        throw new Error("crash before commit");
      }),
    ).toThrow("crash before commit");
    expect(store.getArticle("ms-outlook-outage")).toBeNull();
    expect(store.countByState().pending).toBe(0);
  });
});

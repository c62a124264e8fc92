/** What only the SQLite backend has: a file (WAL, migrations by user_version, not-a-database), several processes on it, memory. */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, SQLITE_SCHEMA_VERSION, type Store, StoreError } from "../src/store/index.ts";
import { applyMigrations, MIGRATIONS } from "../src/store/sqlite/migrations.ts";
import { outageArticle } from "./fixtures/store/articles.ts";
import { tempDbDir } from "./fixtures/store/temp-store.ts";
import { fixture } from "./helpers/paths.ts";
import { lockDatabase } from "./helpers/sqlite-lock.ts";

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

describe("SQLite file and migrations", () => {
  it("creates missing parent directories, turns WAL on and records the schema version", () => {
    expect(existsSync(dirname(temp.dbPath))).toBe(true);
    expect(store.location).toBe(temp.dbPath);
    expect(store.notices).toEqual([]);
    const db = rawDb();
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    db.close();
  });

  it("reopening an already migrated database changes nothing and keeps the data", async () => {
    await store.upsertArticle(outageArticle(), null);
    const schema = () => {
      const db = rawDb();
      const rows = db.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name").all();
      db.close();
      return rows;
    };
    const schemaBefore = schema();
    await reopen();
    await reopen();
    expect(schema()).toEqual(schemaBefore);
    expect((await store.getArticle("ms-outlook-outage"))?.version).toBe(1);
  });

  it("refuses a database written by a newer Herald, naming both schema versions", async () => {
    await store.close();
    const db = rawDb();
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    await expect(openStore({ path: temp.dbPath })).rejects.toThrow(StoreError);
    await expect(openStore({ path: temp.dbPath })).rejects.toThrow(
      new RegExp(
        `schema version ${SQLITE_SCHEMA_VERSION + 1}.*only knows up to ${SQLITE_SCHEMA_VERSION}.*newer Herald`,
      ),
    );
    store = await openStore({ path: ":memory:" });
  });

  it("rolls back a failing migration together with its version bump", () => {
    const db = rawDb();
    const broken = {
      version: SQLITE_SCHEMA_VERSION + 1,
      name: "broken step",
      up: (d: Database.Database) => {
        d.exec("CREATE TABLE half_done (x INTEGER)");
        throw new Error("disk on fire");
      },
    };
    expect(() => applyMigrations(db, temp.dbPath, [...MIGRATIONS, broken])).toThrow(
      /migration \d+ \(broken step\) failed and was rolled back: disk on fire/,
    );
    expect(db.pragma("user_version", { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
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
    const version = String(SQLITE_SCHEMA_VERSION);
    expect(outputs.map((o) => o.stdout.trim())).toEqual([version, version, version]);
    const shared = await openStore({ path: fresh });
    expect((await shared.listDestinations()).map((d) => d.id)).toEqual(["a", "b", "c"]);
    await shared.close();
  });

  it("a write waits for another process's write lock without freezing the process, then applies", async () => {
    // Long enough that this process's event loop turns many times meanwhile, unless the wait blocks it.
    await lockDatabase(temp.dbPath, 1000);
    const events: string[] = [];
    const write = store
      .upsertDestination({ id: "late", type: "telegram", config: { chatId: "-100123" } })
      .then(() => events.push("written"));
    // A timer due at once: SQLite's own busy wait (a sleep inside the call) held it back until the write returned.
    setTimeout(() => events.push("timer"), 0);
    await write;
    expect(events).toEqual(["timer", "written"]);
    expect((await store.getDestination("late"))?.type).toBe("telegram");
  });

  it("deliveries marked at once wait together for another process's write lock, then each gets its own answer", async () => {
    const hooks = ["hook-a", "hook-b", "hook-c"];
    for (const id of hooks) await store.upsertDestination({ id, type: "discord-webhook", config: {} });
    await store.upsertArticle(outageArticle(), null);
    await store.recordDeliveriesPending("ms-outlook-outage", 1, hooks);
    await store.markSending("ms-outlook-outage", 1, "hook-c");
    await store.markDelivered("ms-outlook-outage", 1, "hook-c", "m-c");
    await lockDatabase(temp.dbPath, 500);
    const events: string[] = [];
    // Made in one turn, so written in one transaction; hook-c is delivered already and refuses to be sent again.
    const marks = hooks.map((id) => store.markSending("ms-outlook-outage", 1, id));
    const settled = Promise.allSettled(marks).then((outcomes) => {
      events.push("written");
      return outcomes;
    });
    setTimeout(() => events.push("timer"), 0);
    const [a, b, c] = await settled;
    expect(events).toEqual(["timer", "written"]);
    expect([a, b]).toMatchObject([
      { status: "fulfilled", value: { state: "sending" } },
      { status: "fulfilled", value: { state: "sending" } },
    ]);
    expect(c).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/hook-c.*delivered/) } });
    expect((await store.getDelivery("ms-outlook-outage", 1, "hook-c"))?.platformMessageId).toBe("m-c");
  });

  it("marks that wait past the lock budget fail together, naming the lock, and the next ones go through", async () => {
    const hooks = ["hook-a", "hook-b"];
    for (const id of hooks) await store.upsertDestination({ id, type: "discord-webhook", config: {} });
    await store.upsertArticle(outageArticle(), null);
    await store.recordDeliveriesPending("ms-outlook-outage", 1, hooks);
    // Held longer than a call waits in all (3 s), as a process stuck inside a transaction would.
    await lockDatabase(temp.dbPath, 4000);
    const outcomes = await Promise.allSettled(hooks.map((id) => store.markSending("ms-outlook-outage", 1, id)));
    expect(outcomes).toMatchObject([
      { status: "rejected", reason: { message: "database is locked" } },
      { status: "rejected", reason: { message: "database is locked" } },
    ]);
    // Nothing of the failed batch was applied, and the next marks are not stuck behind it: they wait out the rest of the lock.
    const again = await Promise.all(hooks.map((id) => store.markSending("ms-outlook-outage", 1, id)));
    expect(again.map((d) => [d.state, d.attempts])).toEqual([
      ["sending", 1],
      ["sending", 1],
    ]);
  }, 15_000);

  it("deliveries marked in one turn share one commit: the WAL grows by a few pages, not by pages per delivery", async () => {
    const hooks = Array.from({ length: 60 }, (_, i) => `hook-${i}`);
    for (const id of hooks) await store.upsertDestination({ id, type: "discord-webhook", config: {} });
    await store.upsertArticle(outageArticle(), null);
    await store.recordDeliveriesPending("ms-outlook-outage", 1, hooks);
    const walPages = () => {
      const raw = rawDb();
      // A WAL frame is one page written; the count is what `wal_checkpoint` reports as its log size.
      const [answer] = raw.pragma("wal_checkpoint(PASSIVE)") as [{ log: number }];
      raw.close();
      return answer.log;
    };
    // Checkpointed and restarted, so the count below is only what the marks wrote.
    const raw = rawDb();
    raw.pragma("wal_checkpoint(TRUNCATE)");
    raw.close();
    const before = walPages();
    const marked = await Promise.all(hooks.map((id) => store.markSending("ms-outlook-outage", 1, id)));
    expect(marked.every((d) => d.state === "sending")).toBe(true);
    // One commit per delivery wrote the deliveries table's page and index pages sixty times over.
    expect(walPages() - before).toBeLessThan(10);
  });

  it("works in memory", async () => {
    const memory = await openStore({ path: ":memory:" });
    expect((await memory.upsertArticle(outageArticle(), null)).isNew).toBe(true);
    await memory.close();
  });

  it("writes no token or webhook secret into the database file", async () => {
    await store.upsertDestination({
      id: "tg",
      type: "telegram",
      config: { botToken: "7012345678:AAHb4r3GhJkLmNoPqRsTuVwXyZ0123456789", chatId: "-100123" },
    });
    await store.upsertDestination({
      id: "sl",
      type: "slack",
      config: { webhookUrl: "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX" },
    });
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
});

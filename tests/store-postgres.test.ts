/** What only the PostgreSQL backend has: connecting, its migrations table, the database's locale, the GIN search index. */
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStore, parseSearchQuery, StoreError } from "../src/store/index.ts";
import { openPostgresStore } from "../src/store/postgres/index.ts";
import { applyPgMigrations, PG_MIGRATIONS, PG_SCHEMA_VERSION } from "../src/store/postgres/migrations.ts";
import { SEARCH_SQL, searchValues } from "../src/store/postgres/search.ts";
import { marketArticle, outageArticle } from "./fixtures/store/articles.ts";
import { createPgDatabase, pgUrlFor } from "./helpers/store-backends.ts";
import { startTcpProxy } from "./helpers/tcp-proxy.ts";

type Db = Awaited<ReturnType<typeof createPgDatabase>>;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  // Stores close before their databases are dropped, and every cleanup runs even when one fails.
  const failures: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw failures[0];
});

async function database(options = ""): Promise<Db> {
  const db = await createPgDatabase(options);
  cleanups.push(db.drop);
  return db;
}

async function open(url: string) {
  const store = await openStore({ url });
  cleanups.push(() => store.close());
  return store;
}

/** Runs `sql` on the database at `url` behind the store's back. */
async function raw<R extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** The same URL with a password in it, which no message may repeat. */
function withPassword(url: string, password = "pw-do-not-print"): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

async function openError(url: string): Promise<StoreError> {
  const error = await openStore({ url }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe("connecting", () => {
  it("an unreachable server is a StoreError naming host and database, without the password", async () => {
    const error = await openError(withPassword("postgres://herald@127.0.0.1:1/herald"));
    expect(error.message).toMatch(/cannot connect to PostgreSQL database herald on 127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(error.message).toMatch(/check that PostgreSQL is running/);
    expect(error.message).not.toContain("pw-do-not-print");
  });

  it("a database that does not exist is named, with what to do", async () => {
    const error = await openError(withPassword(pgUrlFor("herald_test_missing_db")));
    expect(error.message).toMatch(/database herald_test_missing_db on .*does not exist; create the database first/);
    expect(error.message).not.toContain("pw-do-not-print");
  });

  it("a user the server refuses is named, with what to check, without the password", async () => {
    const url = new URL(pgUrlFor("postgres"));
    url.username = "herald_no_such_role";
    const error = await openError(withPassword(url.toString()));
    expect(error.message).toMatch(/herald_no_such_role.*check the user and password in database.url/);
    expect(error.message).not.toContain("pw-do-not-print");
  });

  it("a URL that does not parse is refused without being quoted", async () => {
    const error = await openError("postgres://user:pw-do-not-print@[bad");
    expect(error.message).toMatch(/database.url is not a valid URL/);
    expect(error.message).not.toContain("pw-do-not-print");
  });

  it("location is the URL without its password, and a UTF-8 database has no notices", async () => {
    const db = await database();
    const store = await open(withPassword(db.url));
    expect(store.location).toBe(db.url);
    expect(store.location).not.toContain("pw-do-not-print");
    expect(store.notices).toEqual([]);
  });
});

describe("a server that stops answering (a network partition)", () => {
  it("fails a store call after the query timeout instead of hanging it, and the next call after the partition works", async () => {
    const db = await database();
    const url = new URL(db.url);
    const proxy = await startTcpProxy(Number(url.port || 5432), url.hostname);
    cleanups.push(() => proxy.close());
    url.port = String(proxy.port);
    const store = await openPostgresStore(url.toString(), { queryTimeoutMs: 300 });
    cleanups.push(() => store.close());
    await store.upsertDestination({ id: "news", type: "slack", config: {} });

    proxy.freeze();
    await expect(store.getDestination("news")).rejects.toThrow(/timeout/i);
    proxy.thaw();
    // The timed-out connection was dropped, not handed to this call with a stale answer on its way.
    expect((await store.getDestination("news"))?.type).toBe("slack");
  });
});

describe("migrations", () => {
  it("records each migration once, and reopening changes nothing", async () => {
    const db = await database();
    await Promise.all([open(db.url), open(db.url), open(db.url)]);
    const rows = await raw<{ version: number }>(
      db.url,
      "SELECT version FROM herald_schema_migrations ORDER BY version",
    );
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    const store = await open(db.url);
    await store.upsertArticle(outageArticle(), null);
    expect((await raw(db.url, "SELECT version FROM herald_schema_migrations")).length).toBe(PG_MIGRATIONS.length);
  });

  it("refuses a database migrated by a newer Herald, naming both schema versions", async () => {
    const db = await database();
    await (await open(db.url)).close();
    await raw(
      db.url,
      "INSERT INTO herald_schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', $2)",
      [PG_SCHEMA_VERSION + 1, new Date().toISOString()],
    );
    const error = await openError(db.url);
    expect(error.message).toMatch(
      new RegExp(
        `schema version ${PG_SCHEMA_VERSION + 1}, but this Herald only knows up to ${PG_SCHEMA_VERSION}.*newer Herald`,
      ),
    );
  });

  it("rolls back a failing migration together with its record", async () => {
    const db = await database();
    await (await open(db.url)).close();
    const broken = {
      version: PG_SCHEMA_VERSION + 1,
      name: "broken step",
      sql: "CREATE TABLE half_done (x int); SELECT 1/0",
    };
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      await expect(applyPgMigrations(pool, db.url, [...PG_MIGRATIONS, broken])).rejects.toThrow(
        /migration \d+ \(broken step\) failed and was rolled back: division by zero/,
      );
    } finally {
      await pool.end();
    }
    const versions = await raw<{ max: number }>(db.url, "SELECT max(version) AS max FROM herald_schema_migrations");
    expect(versions[0]?.max).toBe(PG_SCHEMA_VERSION);
    expect(await raw(db.url, "SELECT 1 FROM pg_tables WHERE tablename = 'half_done'")).toEqual([]);
  });
});

describe("locale", () => {
  it("says so when the database's LC_CTYPE is C, and Korean search still works there", async () => {
    const db = await database("TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C' LC_COLLATE 'C'");
    const store = await open(db.url);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatch(
      new RegExp(`database ${db.name} has LC_CTYPE C: Herald's search still finds Korean`),
    );
    await store.upsertArticle(outageArticle(), null);
    await store.upsertArticle(marketArticle(), null);
    expect((await store.searchArticles("장애")).map((h) => h.article.id)).toEqual(["ms-outlook-outage"]);
  });

  it("warns that a database not in UTF-8 cannot hold Korean articles", async () => {
    const db = await database("TEMPLATE template0 ENCODING 'LATIN1' LC_CTYPE 'C' LC_COLLATE 'C'");
    const store = await open(db.url);
    expect(store.notices.join("\n")).toMatch(/uses encoding LATIN1: articles in Korean .* cannot be stored/);
  });
});

describe("stored data", () => {
  it("keeps no token or webhook secret in the destinations table", async () => {
    const db = await database();
    const store = await open(db.url);
    await store.upsertDestination({
      id: "tg",
      type: "telegram",
      config: {
        botToken: "7012345678:AAHb4r3GhJkLmNoPqRsTuVwXyZ0123456789",
        url: "https://hooks.slack.com/services/T0/B0/XXXXXXXXXXXXXXXX",
      },
    });
    const rows = await raw<{ config: string }>(db.url, "SELECT config::text AS config FROM destinations");
    expect(rows[0]?.config).not.toMatch(/AAHb4r3GhJkLmNoPqRsTuVwXyZ|XXXXXXXXXXXXXXXX/);
  });
});

describe("search index", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createPgDatabase();
    const store = await openStore({ url: db.url });
    await store.upsertArticle(outageArticle(), null);
    await store.upsertArticle(marketArticle(), null);
    await store.close();
    // A few thousand other articles, written directly: what matters here is the plan over a realistic table size.
    await raw(
      db.url,
      `INSERT INTO articles (id, version, content_hash, json, search_title, search_body, search_body_length, search_keys,
         search_title_keys, created_at, updated_at)
       SELECT 'filler-' || g, 1, md5(g::text), '{}', '공지 ' || g, '정기 점검 안내 ' || g, 12,
              ARRAY['공지', '정기', '점검', '안내', '공', '지', '정', '기', '점', '검', '안', '내', g::text], ARRAY['공지'],
              '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'
       FROM generate_series(1, 4000) g`,
    );
    // What autovacuum does after that many inserts: statistics, and GIN's pending list merged into the index.
    await raw(db.url, "VACUUM ANALYZE articles");
  });
  afterAll(async () => db?.drop());

  it("a two-syllable search uses the GIN index, not a scan of every article", async () => {
    const values = searchValues(parseSearchQuery("장애"), null, 20);
    const plan = await raw<{ "QUERY PLAN": unknown }>(db.url, `EXPLAIN (FORMAT JSON) ${SEARCH_SQL}`, values);
    const [explained] = plan[0]!["QUERY PLAN"] as Array<{ Plan: PlanNode }>;
    const nodes = planNodes(explained!.Plan);
    expect(nodes.some((n) => n["Index Name"] === "articles_search")).toBe(true);
    expect(nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "articles")).toEqual([]);
    const store = await openStore({ url: db.url });
    try {
      expect((await store.searchArticles("장애")).map((h) => h.article.id)).toEqual(["ms-outlook-outage"]);
    } finally {
      await store.close();
    }
  });
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/**
 * The store backends the contract suite runs against, each giving a fresh,
 * empty database per call: SQLite in a temp folder, PostgreSQL in a newly
 * created database on the test server (`HERALD_TEST_PG_URL`, else
 * postgres://postgres@127.0.0.1:5432/postgres as the admin connection),
 * dropped again by `drop()`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore, type Store } from "../../src/store/index.ts";

export const PG_ADMIN_URL = process.env.HERALD_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A database only this test uses: open as many stores on it as needed, then drop it. */
export interface TestDatabase {
  /** A new Store on this database (another process or host would open the same). */
  open(): Promise<Store>;
  /** Where it is: the SQLite file path, or the PostgreSQL URL. */
  readonly location: string;
  drop(): Promise<void>;
}

export interface StoreBackend {
  name: "sqlite" | "postgres";
  createDatabase(): Promise<TestDatabase>;
}

export const sqliteBackend: StoreBackend = {
  name: "sqlite",
  async createDatabase() {
    const dir = mkdtempSync(join(tmpdir(), "herald-store-"));
    const path = join(dir, "nested", "herald.db");
    return {
      location: path,
      open: () => openStore({ path }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/** Runs one statement on the admin database (CREATE/DROP DATABASE cannot run inside a pool's transaction). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the test server. */
export function pgUrlFor(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates an empty database `herald_test_<random>` (with `options`, e.g. "TEMPLATE template0 LC_CTYPE 'C'"). */
export async function createPgDatabase(
  options = "",
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `herald_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name} ${options}`);
  return { name, url: pgUrlFor(name), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export const postgresBackend: StoreBackend = {
  name: "postgres",
  async createDatabase() {
    const db = await createPgDatabase();
    return { location: db.url, open: () => openStore({ url: db.url }), drop: db.drop };
  },
};

export const STORE_BACKENDS: readonly StoreBackend[] = [sqliteBackend, postgresBackend];

/**
 * Gives each test of the calling `describe` a fresh database and an open
 * store on it; `current()` returns them. Stores opened through
 * `current().db.open()` are closed too.
 */
export function freshStorePerTest(
  backend: StoreBackend,
  hooks: {
    beforeEach: (fn: () => Promise<void>) => void;
    afterEach: (fn: () => Promise<void>) => void;
  },
): () => { store: Store; db: TestDatabase; reopen: () => Promise<Store> } {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  let extra: Store[] = [];
  hooks.beforeEach(async () => {
    db = await backend.createDatabase();
    store = await db.open();
  });
  hooks.afterEach(async () => {
    for (const s of [store, ...extra]) await s?.close().catch(() => undefined);
    extra = [];
    await db?.drop();
  });
  return () => ({
    store: store!,
    db: {
      location: db!.location,
      drop: () => db!.drop(),
      open: async () => {
        const opened = await db!.open();
        extra.push(opened);
        return opened;
      },
    },
    reopen: async () => {
      await store!.close();
      store = await db!.open();
      return store;
    },
  });
}

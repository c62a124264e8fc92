/**
 * The connection side of the PostgreSQL store: one `pg.Pool`, named
 * (prepared) statements, transactions on one pooled client, and errors that
 * name the server and database but never the password.
 */
import pg from "pg";
import { redactSecrets } from "../../net/redact.ts";
import { StoreError } from "../errors.ts";

/** A pool or a client inside a transaction: whatever runs a query. */
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * A parameterized statement with a stable name, so each pooled connection
 * parses and plans it once (a prepared statement) and values never reach SQL text.
 */
export interface Statement<Row extends pg.QueryResultRow> {
  rows(db: Queryable, values: readonly unknown[]): Promise<Row[]>;
  first(db: Queryable, values: readonly unknown[]): Promise<Row | null>;
  /** How many rows the statement changed. */
  run(db: Queryable, values: readonly unknown[]): Promise<number>;
}

export function statement<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  name: string,
  text: string,
): Statement<Row> {
  const query = (db: Queryable, values: readonly unknown[]) =>
    db.query<Row>({ name: `herald.${name}`, text, values: values as unknown[] });
  return {
    rows: async (db, values) => (await query(db, values)).rows,
    first: async (db, values) => (await query(db, values)).rows[0] ?? null,
    run: async (db, values) => (await query(db, values)).rowCount ?? 0,
  };
}

/**
 * SQLSTATEs after which the whole transaction can simply run again: another
 * transaction won a deadlock (e.g. a feed removed while one of its articles
 * is stored) or a serialization conflict.
 */
const RETRYABLE = new Set(["40P01", "40001"]);
const ATTEMPTS = 3;

/**
 * Runs `work` in one transaction on one client: committed when it resolves,
 * rolled back when it throws (and run again, up to {@link ATTEMPTS} times,
 * when PostgreSQL aborted it as a deadlock victim). Row locks taken inside
 * (`FOR UPDATE`, advisory xact locks) are what make read-then-write steps
 * safe across processes. `work` must have no effect outside the database.
 */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactionOnce(pool, work);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= ATTEMPTS || typeof code !== "string" || !RETRYABLE.has(code)) throw error;
    }
  }
}

async function transactionOnce<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    // A connection that cannot even roll back is discarded rather than handed to the next caller.
    client.release(broken);
  }
}

/** Where a database URL points, for messages: `postgres://user@host:port/db`, never the password. */
export function describeUrl(url: string): { location: string; host: string; database: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL may hold a password: it is not quoted back.
    throw new StoreError("database.url is not a valid URL (expected postgres://user@host:5432/database)");
  }
  parsed.password = "";
  const host = `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`;
  const database =
    decodeURIComponent(parsed.pathname.replace(/^\//, "")) || decodeURIComponent(parsed.username) || "postgres";
  return { location: parsed.toString(), host, database };
}

export interface PoolOptions {
  /** Connections at most; default 10. */
  size?: number;
  /** How long a query may go unanswered before it fails and its connection is dropped; 0 for no limit. Default 30 s. */
  queryTimeoutMs?: number;
}

/** How long a new connection may take before the attempt fails (an unreachable host otherwise waits for TCP's own timeout). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * How long a store query may go unanswered. A server behind a network partition neither answers
 * nor closes the connection, and TCP notices only after hours: without a limit every delivery
 * waiting on it would hang, holding its job. Herald's queries take milliseconds.
 */
const QUERY_TIMEOUT_MS = 30_000;

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const timeout = options.queryTimeoutMs ?? QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.size ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A timed-out query's connection is released with the error, so the pool closes it instead of reusing it.
    ...(timeout > 0 ? { query_timeout: timeout } : {}),
    keepAlive: true,
  });
  // An idle connection the server closed (restart, failover) is reported here and dropped by the pool;
  // the next query opens a fresh one. Without a listener Node would end the process.
  pool.on("error", () => undefined);
  return pool;
}

/** A connection failure as a StoreError naming the server and database and saying what to check. */
export function connectionError(error: unknown, where: { host: string; database: string }): StoreError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = redactSecrets((error as Error).message ?? String(error));
  const hint =
    code === "3D000"
      ? "create the database first (CREATE DATABASE), or fix database.url"
      : code === "28P01" || code === "28000"
        ? "check the user and password in database.url (or DATABASE_URL)"
        : "check that PostgreSQL is running and database.url points at it";
  return new StoreError(
    `cannot connect to PostgreSQL database ${where.database} on ${where.host}: ${reason}; ${hint}`,
    {
      cause: error,
    },
  );
}

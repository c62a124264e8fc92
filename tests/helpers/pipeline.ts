import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { configSchema, type HeraldConfig } from "../../config/schema.ts";
import { createLogger } from "../../jobs/log.ts";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
export const silentLog = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

/** A config for one test: its own Redis key prefix and SQLite file, HTTP on an ephemeral port, fast retries. */
export function testConfig(raw: Record<string, unknown>): {
  config: HeraldConfig;
  dir: string;
  cleanup: () => Promise<void>;
} {
  const dir = mkdtempSync(join(tmpdir(), "herald-test-"));
  const prefix = `herald-test-${randomUUID()}`;
  const config = configSchema.parse({
    redis: { url: REDIS_URL, prefix },
    database: { path: join(dir, "herald.db") },
    http: { host: "127.0.0.1", port: 0 },
    // coalesce 0: a test sees each version at once unless it is about the coalescing window.
    delivery: { attempts: 4, backoff: "200ms", concurrency: 10, timeout: "5s", lockDuration: "5s", coalesce: 0 },
    log: { level: "silent" },
    ...raw,
  });
  return {
    config,
    dir,
    cleanup: async () => {
      await deleteKeys(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes every Redis key of a test's prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

// One copy of the polling helpers, for the many tests that import them from here.
export { sleep, waitFor } from "./wait.ts";

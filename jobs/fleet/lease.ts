/**
 * A lease on a named duty in Redis: `SET key value NX PX ttl` to take it, a
 * compare-and-extend script to renew it, a compare-and-delete script to hand
 * it back. The value names the owner and when it took the duty, so `herald
 * status` can show both; comparing the whole value means a process never
 * renews or deletes a lease someone else took after its own expired.
 *
 * Hand-written rather than redlock/redis-semaphore: neither is installed here,
 * Redlock's multi-node quorum is not what a single (or Sentinel-managed) Redis
 * needs, and the part that matters — stop the duty before contending again —
 * lives in {@link Duty}, not in a lock library.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";

/** Who holds a duty, as stored in its key. */
export interface LeaseHolder {
  /** `host:pid:random`. */
  owner: string;
  /** ISO time the owner took the duty. */
  since: string;
}

/** `host:pid:random`: the random part tells a restarted process with a reused pid from the old one. */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/** Keys are shown by `herald status`; a duty name never contains a secret (see duties/names.ts). */
export function leaseKey(prefix: string, duty: string): string {
  return `${prefix}:duty:${duty}`;
}

const EXTEND_IF_MINE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;
const DELETE_IF_MINE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

/**
 * Redis queues commands while it reconnects; a lease decision must not wait for that. Bounded
 * well under the TTL, so an owner that cannot renew stops its duty before the lease can expire.
 */
const COMMAND_TIMEOUT_MS = 2000;

export class Lease {
  #value: string | null = null;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lease if nobody holds it. */
  async acquire(): Promise<boolean> {
    const value = JSON.stringify({ owner: this.owner, since: new Date().toISOString() } satisfies LeaseHolder);
    const answer = await this.#bounded(this.redis.set(this.key, value, "PX", this.ttlMs, "NX"));
    if (answer !== "OK") return false;
    this.#value = value;
    return true;
  }

  /** Extends the lease if it is still this owner's; false when it expired, vanished or was taken. */
  async renew(): Promise<boolean> {
    if (!this.#value) return false;
    return (await this.#bounded(this.redis.eval(EXTEND_IF_MINE, 1, this.key, this.#value, this.ttlMs))) === 1;
  }

  #bounded<T>(command: Promise<T>): Promise<T> {
    return bounded(command, Math.min(COMMAND_TIMEOUT_MS, Math.floor(this.ttlMs / 3)));
  }

  /** Hands the lease back (only if still this owner's), so a standby can take it at once. */
  async release(): Promise<void> {
    const value = this.#value;
    this.#value = null;
    if (value) await this.#bounded(this.redis.eval(DELETE_IF_MINE, 1, this.key, value));
  }
}

/** Every duty's holder under `prefix`, by duty name. */
export async function listLeases(redis: Redis, prefix: string): Promise<Map<string, LeaseHolder>> {
  const holders = new Map<string, LeaseHolder>();
  const start = leaseKey(prefix, "");
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${start}*`, "COUNT", 500);
    cursor = next;
    const values = keys.length ? await redis.mget(...keys) : [];
    keys.forEach((key, i) => {
      const holder = parseHolder(values[i] ?? null);
      if (holder) holders.set(key.slice(start.length), holder);
    });
  } while (cursor !== "0");
  return holders;
}

function parseHolder(value: string | null): LeaseHolder | null {
  try {
    const parsed = JSON.parse(value ?? "") as Partial<LeaseHolder>;
    return typeof parsed.owner === "string" && typeof parsed.since === "string" ? { owner: parsed.owner, since: parsed.since } : null;
  } catch {
    return null;
  }
}

async function bounded<T>(command: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([command, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

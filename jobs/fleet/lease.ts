/**
 * A lease on a named duty in Redis: taken when the key is absent (`SET NX PX`)
 * or was handed back, renewed with a compare-and-extend script, handed back
 * with a compare-and-mark script. The value names the owner and when it took
 * the duty, so `herald status` can show both; comparing the whole value means a
 * process never renews or hands back a lease someone else took after its own
 * expired. A handed-back key keeps a "released" mark for one TTL, so the next
 * taker knows the previous owner has stopped (see {@link Duty} for why that matters).
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
const MARK_RELEASED_IF_MINE = `if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("SET", KEYS[1], ARGV[2], "PX", ARGV[3]) return 1 else return 0 end`;
/** 2: taken from a key its owner handed back; 1: taken from an absent key; 0: held by someone. */
const TAKE = `local v = redis.call("GET", KEYS[1])
if v == ARGV[2] then redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[3]) return 2 end
if v then return 0 end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[3]) return 1`;

/** The value a handed-back lease keeps until it expires or is taken. */
const RELEASED = JSON.stringify({ released: true });

/** How a lease was taken: from an owner that handed it back (it has stopped), or from an absent key (expired, or lost by Redis). */
export type Taken = "handed-over" | "absent";

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

  /** Takes the lease if nobody holds it; null when someone does. */
  async acquire(): Promise<Taken | null> {
    const value = JSON.stringify({ owner: this.owner, since: new Date().toISOString() } satisfies LeaseHolder);
    const answer = await this.#bounded(this.redis.eval(TAKE, 1, this.key, value, RELEASED, this.ttlMs));
    if (answer !== 1 && answer !== 2) return null;
    this.#value = value;
    return answer === 2 ? "handed-over" : "absent";
  }

  /** Extends the lease if it is still this owner's; false when it expired, vanished or was taken. */
  async renew(): Promise<boolean> {
    if (!this.#value) return false;
    return (await this.#bounded(this.redis.eval(EXTEND_IF_MINE, 1, this.key, this.#value, this.ttlMs))) === 1;
  }

  #bounded<T>(command: Promise<T>): Promise<T> {
    return bounded(command, leaseCommandTimeoutMs(this.ttlMs));
  }

  /** Hands the lease back (only if still this owner's), so a standby can take it at once. */
  async release(): Promise<void> {
    const value = this.#value;
    this.#value = null;
    if (value) await this.#bounded(this.redis.eval(MARK_RELEASED_IF_MINE, 1, this.key, value, RELEASED, this.ttlMs));
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
    return typeof parsed.owner === "string" && typeof parsed.since === "string"
      ? { owner: parsed.owner, since: parsed.since }
      : null;
  } catch {
    return null;
  }
}

/** The longest a lease command may take to answer before it counts as failed. */
export function leaseCommandTimeoutMs(ttlMs: number): number {
  return Math.min(COMMAND_TIMEOUT_MS, Math.floor(ttlMs / 3));
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

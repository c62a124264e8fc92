/**
 * Singleton duties under Redis leases, with two fleets in one test process standing in for two
 * `herald start` processes (their owner ids differ as two processes' would). Timings are shortened
 * so handovers happen in a second; the process-level tests (fleet-*.test.ts) use the real ones.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { DutySpec } from "../jobs/fleet/duty.ts";
import { Fleet } from "../jobs/fleet/fleet.ts";
import { leaseKey, listLeases } from "../jobs/fleet/lease.ts";
import { exclusiveBotConnections } from "../jobs/fleet/names.ts";
import { deleteKeys, REDIS_URL, silentLog, sleep, testConfig, waitFor } from "./helpers/pipeline.ts";

/** Renewal commands time out after ttl/3 = 500 ms; settling covers a renewal round and its answer. */
const FAST = { ttlMs: 1500, renewMs: 300, retryMs: 200, settleMs: 900 };

/** A duty that records who is doing it, so a test can see two doers at once if it ever happens. */
class Recorder {
  doing = new Set<string>();
  mostAtOnce = 0;
  starts: string[] = [];
  lost = new Map<string, (reason: string) => void>();
  spec(name: string, who: string, options: { failStart?: boolean; startTakesMs?: number } = {}): DutySpec {
    return {
      name,
      start: async (lost) => {
        if (options.failStart) throw new Error("token refused");
        if (options.startTakesMs) await new Promise((resolve) => setTimeout(resolve, options.startTakesMs));
        this.doing.add(who);
        this.starts.push(who);
        this.lost.set(who, lost);
        this.mostAtOnce = Math.max(this.mostAtOnce, this.doing.size);
      },
      stop: async () => {
        this.doing.delete(who);
      },
    };
  }
}

describe("singleton duties under Redis leases", () => {
  const prefix = `herald-test-${randomUUID()}`;
  const redis = new Redis(REDIS_URL);
  const fleets: Fleet[] = [];
  const fleet = () => {
    const f = new Fleet(redis, prefix, silentLog, FAST);
    fleets.push(f);
    return f;
  };
  afterEach(async () => {
    await Promise.all(fleets.splice(0).map((f) => f.end()));
    await deleteKeys(prefix);
  });

  it("gives a duty to one process; the other stands by and takes over at once when the owner shuts down", async () => {
    const duty = new Recorder();
    const [a, b] = [fleet(), fleet()];
    await a.run(duty.spec("feed-schedules", "a"));
    await b.run(duty.spec("feed-schedules", "b"));
    expect([...duty.doing]).toEqual(["a"]);
    expect(a.owned()).toEqual(["feed-schedules"]);
    expect(b.owned()).toEqual([]);

    await a.end();
    expect((await listLeases(redis, prefix)).has("feed-schedules")).toBe(false);
    await waitFor(() => duty.doing.has("b"), 5000, "the standby to take the duty");
    expect(duty.mostAtOnce).toBe(1);
  });

  it("an owner cut off from Redis stops the duty; the standby takes it once the lease expires, never both at once", async () => {
    const duty = new Recorder();
    const cutOff = new Redis(REDIS_URL);
    const a = new Fleet(cutOff, prefix, silentLog, FAST);
    fleets.push(a);
    const b = fleet();
    await a.run(duty.spec("directory-feed:posts", "a"));
    await b.run(duty.spec("directory-feed:posts", "b"));
    cutOff.disconnect();
    await waitFor(() => duty.doing.has("b"), 10_000, "the standby to take the duty");
    expect(duty.doing.has("a")).toBe(false);
    expect(duty.mostAtOnce).toBe(1);
  });

  it("an owner whose lease was taken by another stops the duty before contending again, and never deletes the other's lease", async () => {
    const duty = new Recorder();
    const a = fleet();
    await a.run(duty.spec("telegram-polling:abc", "a"));
    const key = leaseKey(prefix, "telegram-polling:abc");
    const other = JSON.stringify({ owner: "elsewhere:1:ffff", since: new Date().toISOString() });
    // What a Redis that lost its data and was then claimed by another process looks like to the owner.
    await redis.set(key, other, "PX", 60_000);
    await waitFor(() => !duty.doing.has("a"), 5000, "the owner to stop the duty");
    expect(a.owned()).toEqual([]);
    expect(await redis.get(key)).toBe(other);

    await redis.del(key);
    await waitFor(() => duty.doing.has("a"), 5000, "the duty to be taken again once free");
    expect(duty.starts).toEqual(["a", "a"]);
  });

  it("when Redis loses the key under a running owner, the standby that takes it waits until the owner has stopped", async () => {
    const duty = new Recorder();
    const [a, b] = [fleet(), fleet()];
    await a.run(duty.spec("telegram-polling:abc", "a"));
    await b.run(duty.spec("telegram-polling:abc", "b"));
    await redis.del(leaseKey(prefix, "telegram-polling:abc"));
    await waitFor(() => duty.doing.size === 1 && duty.starts.length === 2, 5000, "the duty to be taken again");
    expect(duty.mostAtOnce).toBe(1);
  });

  it("a duty that stops by itself is handed back and taken by the standby", async () => {
    const duty = new Recorder();
    const [a, b] = [fleet(), fleet()];
    await a.run(duty.spec("discord-gateway:abc", "a"));
    await b.run(duty.spec("discord-gateway:abc", "b"));
    duty.lost.get("a")?.("gateway closed with 4000");
    await waitFor(() => duty.doing.has("b"), 5000, "the standby to take the duty");
    expect(duty.doing.has("a")).toBe(false);
    expect(duty.mostAtOnce).toBe(1);
  });

  it("a duty taken at start that cannot start fails the start and leaves the lease free", async () => {
    const duty = new Recorder();
    const a = fleet();
    await expect(a.run(duty.spec("telegram-polling:bad", "a", { failStart: true }))).rejects.toThrow("token refused");
    expect((await listLeases(redis, prefix)).has("telegram-polling:bad")).toBe(false);
  });

  it("keeps the lease while a start outlasts it, so the standby does not start the duty too", async () => {
    const duty = new Recorder();
    const [a, b] = [fleet(), fleet()];
    const starting = a.run(duty.spec("directory-feed:big", "a", { startTakesMs: FAST.ttlMs * 2 }));
    await waitFor(
      async () => (await redis.exists(leaseKey(prefix, "directory-feed:big"))) === 1,
      5000,
      "a to take the lease",
    );
    await b.run(duty.spec("directory-feed:big", "b"));
    await starting;
    await sleep(FAST.ttlMs);
    expect(duty.starts).toEqual(["a"]);
    expect(b.owned()).toEqual([]);
  });

  it("lists each duty's owner (host, pid) and since when", async () => {
    const duty = new Recorder();
    const a = fleet();
    await a.run(duty.spec("feed-schedules", "a"));
    const holders = await listLeases(redis, prefix);
    expect(holders.get("feed-schedules")?.owner).toBe(a.ownerId);
    expect(a.ownerId).toMatch(new RegExp(`:${process.pid}:[0-9a-f]{8}$`));
    expect(Date.parse(holders.get("feed-schedules")?.since ?? "")).toBeLessThanOrEqual(Date.now());
  });

  it("names per-token duties by a hash, never by the token", () => {
    const token = "123456789:AAE2eTestTokenForHeraldBotE2eTests00";
    const t = testConfig({
      telegram: { token, mode: "polling" },
      discord: { token: "discord-secret-token", mode: "gateway" },
    });
    const names = exclusiveBotConnections(t.config)
      .map((c) => c.duty)
      .sort((a, b) => b.localeCompare(a));
    void t.cleanup();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^telegram-polling:[0-9a-f]{12}$/);
    expect(names[1]).toMatch(/^discord-gateway:[0-9a-f]{12}$/);
    expect(names.join()).not.toMatch(/AAE2e|123456789|discord-secret/);
  });
});

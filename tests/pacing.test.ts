import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { telegramChatPace } from "../adapters/telegram/pace.ts";
import { reserveSlots, spaceSends } from "../jobs/pipeline/pacing.ts";
import { deleteKeys, REDIS_URL } from "./helpers/pipeline.ts";

describe("send slots shared by every worker (real Redis)", () => {
  const prefix = `herald-test-${randomUUID()}`;
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it("spaces reservations for one Telegram group 3 s apart, in the order they were asked for", async () => {
    const group = { key: "telegram:-100123", ...telegramChatPace("-100123") };
    const waits = await Promise.all(Array.from({ length: 5 }, () => reserveSlots(redis, prefix, [group])));
    const sorted = [...waits].sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThanOrEqual(5);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(2990);
  });

  it("keeps chats independent, and takes the longest wait when a send is under several limits", async () => {
    const a = { key: "telegram:111", minIntervalMs: 1000 };
    const b = { key: "telegram:222", minIntervalMs: 1000 };
    await reserveSlots(redis, prefix, [a]);
    expect(await reserveSlots(redis, prefix, [b])).toBeLessThanOrEqual(5);
    expect(await reserveSlots(redis, prefix, [b, a])).toBeGreaterThan(900);
  });
});

describe("send spacing inside one worker", () => {
  it("lets a bunch of sends that share a key leave one interval apart, in order, and keys not wait on each other", async () => {
    const key = `discord:global:${randomUUID()}`;
    const passed: [number, number][] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => spaceSends([{ key, minIntervalMs: 20.5 }]).then(() => passed.push([i, Date.now() - started]))),
    );
    expect(passed.map(([i]) => i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let i = 1; i < passed.length; i++) expect(passed[i]![1] - passed[0]![1]).toBeGreaterThanOrEqual(Math.floor(i * 20.5) - 1);

    const other = Date.now();
    await spaceSends([{ key: `discord:channel:${randomUUID()}`, minIntervalMs: 1000 }]);
    expect(Date.now() - other).toBeLessThan(500);
  });

  it("rates a key by the interval, not by how late the previous send ran: a stall does not release a burst", async () => {
    const key = `telegram:all:${randomUUID()}`;
    await spaceSends([{ key, minIntervalMs: 30 }]);
    // Block the event loop for 200 ms, as a long synchronous write would, while five sends queue up.
    const queued = Array.from({ length: 5 }, () => spaceSends([{ key, minIntervalMs: 30 }]).then(() => Date.now()));
    const stallEnd = Date.now() + 200;
    while (Date.now() < stallEnd) {}
    const times = await Promise.all(queued);
    // At most two intervals of catch-up after the stall; the rest keep the pace.
    expect(times[4]! - times[0]!).toBeGreaterThanOrEqual(2 * 30 - 2);
  });
});

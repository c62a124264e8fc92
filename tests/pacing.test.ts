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
    // Each wait is counted from its own call's clock, read as the five calls are issued: a loaded machine spread
    // them 12 ms once (2,988 ms apart). Unspaced slots would be ~0 apart, a wrong interval 1,000.
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(2950);
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
  // Assertions are on the schedule spaceSends returns, plus "never before its slot": what a loaded machine cannot blur.
  it("lets a bunch of sends that share a key leave one interval apart, in order, and keys not wait on each other", async () => {
    const key = `discord:global:${randomUUID()}`;
    const passed: { i: number; at: number; resolvedAt: number }[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        spaceSends([{ key, minIntervalMs: 20.5 }]).then((at) => passed.push({ i, at, resolvedAt: Date.now() })),
      ),
    );
    expect(passed.map((p) => p.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const first = passed[0]?.at ?? 0;
    expect(passed.map((p) => p.at - first)).toEqual([0, 20.5, 41, 61.5, 82, 102.5, 123, 143.5]);
    // Timers round to whole milliseconds, so "not before" allows one.
    for (const p of passed) expect(p.resolvedAt).toBeGreaterThanOrEqual(Math.floor(p.at) - 1);

    const otherKey = [{ key: `discord:channel:${randomUUID()}`, minIntervalMs: 1000 }];
    const asked = Date.now();
    expect(await spaceSends(otherKey)).toBeLessThanOrEqual(Date.now());
    expect(await spaceSends(otherKey)).toBeGreaterThanOrEqual(asked + 1000);
  });

  it("rates a key by the interval, not by how late the previous send ran: a stall does not release a burst", async () => {
    const key = `telegram:all:${randomUUID()}`;
    await spaceSends([{ key, minIntervalMs: 30 }]);
    // Block the event loop for 200 ms, as a long synchronous write would, while five sends queue up.
    const queued = Array.from({ length: 5 }, () => spaceSends([{ key, minIntervalMs: 30 }]));
    const stallEnd = Date.now() + 200;
    while (Date.now() < stallEnd) {}
    const scheduled = await Promise.all(queued);
    // The schedule restarts after the stall and keeps the pace, instead of sending the five at once.
    expect(scheduled[0]).toBeGreaterThanOrEqual(stallEnd);
    expect(scheduled.map((at) => at - (scheduled[0] ?? 0))).toEqual([0, 30, 60, 90, 120]);
  });
});

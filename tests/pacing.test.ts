import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { telegramChatPace } from "../adapters/telegram/pace.ts";
import { reserveSlots } from "../jobs/pipeline/pacing.ts";
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

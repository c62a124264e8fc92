import type { Redis } from "ioredis";

/** The least time between two sends that share `key` (a chat, a channel, a whole bot). */
export interface Pace {
  key: string;
  minIntervalMs: number;
}

/**
 * Reserves the next free send slot for a key, across every worker process:
 * slot = max(now, last slot + interval). Returns how long to wait for it.
 * BullMQ's own limiter is per queue (per-group limits are a Pro feature), and
 * platforms limit per chat, so Herald keeps these slots in Redis itself.
 */
const RESERVE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, last + interval)
redis.call('SET', KEYS[1], slot, 'PX', math.max(1000, slot - now + interval * 2))
return slot - now`;

export async function reserveSlots(redis: Redis, prefix: string, paces: readonly Pace[]): Promise<number> {
  let wait = 0;
  for (const pace of paces) {
    const ms = Number(await redis.eval(RESERVE, 1, `${prefix}:pace:${pace.key}`, Date.now(), pace.minIntervalMs));
    wait = Math.max(wait, ms);
  }
  return wait;
}

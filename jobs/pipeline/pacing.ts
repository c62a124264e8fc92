import type { Redis } from "ioredis";

/** The least time between two sends that share `key` (a chat, a channel, a whole bot); may be fractional. */
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
redis.call('SET', KEYS[1], slot, 'PX', math.ceil(math.max(1000, slot - now + interval * 2)))
return slot - now`;

export async function reserveSlots(redis: Redis, prefix: string, paces: readonly Pace[]): Promise<number> {
  let wait = 0;
  for (const pace of paces) {
    const ms = Number(await redis.eval(RESERVE, 1, `${prefix}:pace:${pace.key}`, Date.now(), pace.minIntervalMs));
    wait = Math.max(wait, ms);
  }
  return wait;
}

/** How far behind schedule a key may run before its schedule restarts from now (in intervals). */
const CATCH_UP_INTERVALS = 2;
const schedules = new Map<string, Promise<number>>();

/**
 * The last step before a send, inside one worker process. Redis slots space
 * jobs across processes, but jobs come back from the delayed set and out of
 * event-loop stalls in bunches, and a strict per-second window (Discord's
 * global 50/s) refuses the bunch. Here sends that share a key leave one
 * interval apart on schedule; a send that fell behind may catch up by at
 * most two intervals, so the rate stays the interval's and no burst forms.
 * Resolves, no earlier than that, with the time the send was scheduled for.
 */
export async function spaceSends(paces: readonly Pace[]): Promise<number> {
  let clearedAt = Date.now();
  for (const pace of paces) {
    const previous = schedules.get(pace.key) ?? Promise.resolve(Number.NEGATIVE_INFINITY);
    const mine = previous.then(async (previousAt) => {
      const now = Date.now();
      const scheduled = previousAt + pace.minIntervalMs;
      const at = scheduled < now - CATCH_UP_INTERVALS * pace.minIntervalMs ? now : scheduled;
      if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
      return at;
    });
    schedules.set(pace.key, mine);
    clearedAt = Math.max(clearedAt, await mine);
    forgetWhenIdle(pace, mine);
  }
  return clearedAt;
}

/** Once a key has been idle past its catch-up span its schedule would restart anyway: drop it, so one-off chats do not pile up. */
function forgetWhenIdle(pace: Pace, last: Promise<number>): void {
  const idle = setTimeout(
    () => {
      if (schedules.get(pace.key) === last) schedules.delete(pace.key);
    },
    (CATCH_UP_INTERVALS + 1) * pace.minIntervalMs,
  );
  idle.unref();
}

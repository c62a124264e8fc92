import type { Redis } from "ioredis";

export interface SweepGuardOptions {
  redis: Redis;
  prefix: string;
  everyMs: number;
}

/**
 * One sweep per interval across the fleet: every process ticks, the first to
 * SET NX the guard sweeps, and the guard lapses just before the next tick so
 * a dead sweeper is replaced by whoever ticks next.
 */
export async function claimSweep({ redis, prefix, everyMs }: SweepGuardOptions): Promise<boolean> {
  const ttl = Math.max(500, Math.floor(everyMs * 0.9));
  return (await redis.set(`${prefix}:sweep`, String(process.pid), "PX", ttl, "NX")) === "OK";
}

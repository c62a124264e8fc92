import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * One applier per article × destination across the fleet. Two versions' jobs running at once would
 * both edit and both reply; under this lock the second one finds the first's work done (or applies
 * only what came after it), so replies never come out of order or twice. Expires by itself after
 * `ttlMs`, so a worker that died holding it blocks the story for at most that long.
 */
export async function takeStoryLock(
  redis: Redis,
  prefix: string,
  articleId: string,
  destinationId: string,
  ttlMs: number,
): Promise<(() => Promise<void>) | null> {
  const key = `${prefix}:story-lock:${destinationId}:${articleId}`;
  const owner = randomUUID();
  const taken = await redis.set(key, owner, "PX", Math.max(1000, ttlMs), "NX");
  if (taken !== "OK") return null;
  return async () => {
    await redis.eval(RELEASE, 1, key, owner).catch(() => undefined);
  };
}

/** Deletes the lock only while it is still ours: one that expired and was taken by another job stays theirs. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

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

const pendingKey = (prefix: string, articleId: string, destinationId: string) =>
  `${prefix}:story-next:${destinationId}:${articleId}`;

/**
 * When a job of this story holds a send slot at this destination that has not come yet: epoch ms of
 * that slot, else null. A newer version's job then follows it instead of taking a slot of its own —
 * the job that sends applies the newest version — so a chat whose budget is spent gets one edit per
 * free slot, not one queued edit per version.
 */
export async function pendingApplyAt(
  redis: Redis,
  prefix: string,
  articleId: string,
  destinationId: string,
): Promise<number | null> {
  const at = Number(await redis.get(pendingKey(prefix, articleId, destinationId)));
  return at > Date.now() ? at : null;
}

/** Notes that a job of this story will send at `slotAt` (see {@link pendingApplyAt}); the note lapses with the slot. */
export async function notePendingApply(
  redis: Redis,
  prefix: string,
  articleId: string,
  destinationId: string,
  slotAt: number,
): Promise<void> {
  const ttl = Math.ceil(slotAt - Date.now());
  if (ttl > 0) await redis.set(pendingKey(prefix, articleId, destinationId), String(slotAt), "PX", ttl);
}

import type { Redis } from "ioredis";

/**
 * Resolves true the first time `key` is claimed within `ttlMs`, false after,
 * for every process that shares the Redis (SET NX PX). Used for replay
 * protection: a signature or interaction id is acted on once.
 */
export type ClaimOnce = (key: string, ttlMs: number) => Promise<boolean>;

/** Redis commands wait while it reconnects; a signed request must not hang on that. */
const CLAIM_TIMEOUT_MS = 1500;

export function redisClaimOnce(redis: Redis, prefix: string): ClaimOnce {
  return async (key, ttlMs) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("redis did not answer the replay check in time")), CLAIM_TIMEOUT_MS);
    });
    try {
      const answer = await Promise.race([
        redis.set(`${prefix}:seen:${key}`, "1", "PX", Math.max(1, Math.ceil(ttlMs)), "NX"),
        timeout,
      ]);
      return answer === "OK";
    } finally {
      clearTimeout(timer);
    }
  };
}

import type { Redis } from "ioredis";
import type { Log } from "../../src/log.ts";

export type RedisPersistence = "aof" | "rdb" | "none" | "unknown";

/**
 * Warns once when Redis keeps its data only in memory: then a restart loses
 * every queued job and schedule (Herald re-queues from the store, but only
 * what the store knows). Managed Redis often refuses CONFIG; that is not the
 * operator's problem to hear about at every start, so it is logged at debug.
 */
export async function checkRedisPersistence(redis: Redis, log: Log): Promise<RedisPersistence> {
  let appendonly: string | undefined;
  let save: string | undefined;
  try {
    appendonly = ((await redis.config("GET", "appendonly")) as string[])[1];
    save = ((await redis.config("GET", "save")) as string[])[1];
  } catch (error) {
    log.debug(
      { err: (error as Error).message },
      "could not check whether Redis persists its data (CONFIG GET refused)",
    );
    return "unknown";
  }
  if (appendonly === undefined || save === undefined) {
    log.debug("could not check whether Redis persists its data (CONFIG GET answered nothing)");
    return "unknown";
  }
  if (appendonly === "yes") return "aof";
  if (save.trim() !== "") return "rdb";
  log.warn(
    "Redis has no persistence (appendonly no, no save points): a restart loses every queued job and schedule. " +
      "Herald re-queues unfinished deliveries from its store when that happens, but run Redis with appendonly yes",
  );
  return "none";
}

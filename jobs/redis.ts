import { Redis, type RedisOptions } from "ioredis";
import type { HeraldConfig } from "../config/schema.ts";
import type { Log } from "../src/log.ts";
import { redactSecrets } from "../src/net/redact.ts";

export type RedisConfig = HeraldConfig["redis"];

/**
 * The ioredis options every Herald connection uses, besides `redis.url`.
 * `maxRetriesPerRequest: null` is BullMQ's requirement: a command waits for
 * the reconnect instead of failing a worker's blocking call. With
 * `redis.sentinels`, ioredis asks the sentinels for the master of
 * `redis.name` and follows a failover; the URL then supplies only the
 * password and database number.
 *
 * @example
 * redisOptions({ url: "redis://:pw@x/0", prefix: "herald", sentinels: [{ host: "s1", port: 26379 }], name: "herald-master" })
 * // → { maxRetriesPerRequest: null, retryStrategy, sentinels: [{ host: "s1", port: 26379 }], name: "herald-master" }
 */
export function redisOptions(redis: RedisConfig): RedisOptions {
  const options: RedisOptions = { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 5000) };
  if (!redis.sentinels) return options;
  return {
    ...options,
    sentinels: redis.sentinels.map(({ host, port }) => ({ host, port })),
    // The schema refuses sentinels without a name.
    name: redis.name ?? "",
    ...(redis.sentinelPassword ? { sentinelPassword: redis.sentinelPassword } : {}),
    // Keep asking the sentinels while none answers (a failover in progress), as the master connection does.
    sentinelRetryStrategy: (times) => Math.min(times * 200, 5000),
  };
}

/**
 * Where Redis is, for messages: the sentinels and master name, or the URL without its credentials
 * (`redis://:password@host` names the host, never the password; redactSecrets needs a user name before the colon).
 */
export function describeRedis(redis: RedisConfig): string {
  if (redis.sentinels)
    return `master '${redis.name}' via sentinels ${redis.sentinels.map((s) => `${s.host}:${s.port}`).join(", ")}`;
  try {
    const parsed = new URL(redis.url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return redactSecrets(redis.url);
  }
}

/** Redis errors while it restarts are expected: ioredis reconnects and BullMQ carries on. */
export function connectRedis(redis: RedisConfig, log: Log): Redis {
  const connection = new Redis(redis.url, redisOptions(redis));
  let warned = false;
  connection.on("error", (error) => {
    if (!warned) log.warn({ err: error.message }, "redis connection error; reconnecting");
    warned = true;
  });
  connection.on("ready", () => {
    if (warned) log.info("redis connection restored");
    warned = false;
  });
  return connection;
}

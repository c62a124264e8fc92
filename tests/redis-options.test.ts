import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import { describeRedis, redisOptions } from "../jobs/redis.ts";

const redisConfig = (redis: Record<string, unknown>) => configSchema.parse({ redis }).redis;

describe("Redis connection options from the config", () => {
  it("connects to redis.url directly when no sentinels are configured, with BullMQ's maxRetriesPerRequest: null", () => {
    const options = redisOptions(redisConfig({ url: "redis://:pw@cache.internal:6380/2" }));
    expect(options.maxRetriesPerRequest).toBeNull();
    expect(options.sentinels).toBeUndefined();
    expect(options.name).toBeUndefined();
  });

  it("asks the sentinels for the named master, with the sentinels' own password, and keeps maxRetriesPerRequest: null", () => {
    const config = redisConfig({
      url: "redis://:master-pw@ignored/3",
      sentinels: [{ host: "sentinel-1.internal", port: 26380 }, { host: "sentinel-2.internal" }],
      name: "herald-master",
      sentinelPassword: "s3cret",
    });
    const options = redisOptions(config);
    expect(options).toMatchObject({
      maxRetriesPerRequest: null,
      sentinels: [
        { host: "sentinel-1.internal", port: 26380 },
        { host: "sentinel-2.internal", port: 26379 },
      ],
      name: "herald-master",
      sentinelPassword: "s3cret",
    });
    expect(typeof options.sentinelRetryStrategy).toBe("function");
    expect(describeRedis(config)).toBe(
      "master 'herald-master' via sentinels sentinel-1.internal:26380, sentinel-2.internal:26379",
    );
  });

  it("leaves sentinelPassword out when it is empty (an environment variable set to nothing)", () => {
    const options = redisOptions(redisConfig({ sentinels: [{ host: "s" }], name: "m", sentinelPassword: "" }));
    expect(options).not.toHaveProperty("sentinelPassword");
  });

  it("refuses sentinels without the master's name, saying which key to set", () => {
    const result = configSchema.safeParse({ redis: { sentinels: [{ host: "s" }] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ["redis", "name"],
      message: expect.stringContaining("redis.sentinels needs redis.name"),
    });
  });

  it("names Redis without its password in messages", () => {
    expect(describeRedis(redisConfig({ url: "redis://user:hunter2@cache.internal:6379/0" }))).toBe(
      "redis://cache.internal:6379/0",
    );
  });
});

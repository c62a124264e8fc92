import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./herald.ts";
import { waitFor } from "./pipeline.ts";

export { freePort };

/** Resolves once something answers PING on `port`. */
export async function waitForPong(port: number, what = "redis-server to start"): Promise<void> {
  await waitFor(
    async () => {
      const probe = new Redis(port, "127.0.0.1", {
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      probe.on("error", () => {});
      try {
        await probe.connect();
        return (await probe.ping()) === "PONG";
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    },
    10_000,
    what,
  );
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Starts it (again, on the same port and folder). */
  start(): Promise<void>;
  /** SIGKILL: without persistence everything it held is gone. */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * A redis-server of the test's own, which it may stop, restart or flush:
 * `aof` keeps an append-only file as production should; `none` keeps nothing
 * (`--save "" --appendonly no`), so a restart comes back empty.
 */
export async function privateRedis(
  persistence: "aof" | "none",
  options: { replicaOf?: number } = {},
): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "herald-redis-"));
  let child: ChildProcess | null = null;
  const start = async () => {
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      persistence === "aof" ? "yes" : "no",
      "--save",
      "",
    ];
    if (options.replicaOf) args.push("--replicaof", "127.0.0.1", String(options.replicaOf));
    child = spawn("redis-server", args, { stdio: "ignore" });
    await waitForPong(port);
  };
  const stop = async () => {
    const running = child;
    if (!running) return;
    const gone = new Promise((r) => running.once("exit", r));
    running.kill("SIGKILL");
    await gone;
    child = null;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    start,
    stop,
    cleanup: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Redis Sentinel of the test's own (Debian's redis-server runs as one with `--sentinel`),
 * watching the master on `masterPort` as `name`. Quorum 1 and a 1 s down-after, so a killed
 * master is failed over to its replica within seconds.
 */
export async function privateSentinel(
  masterPort: number,
  name: string,
): Promise<{ port: number; cleanup(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "herald-sentinel-"));
  const conf = join(dir, "sentinel.conf");
  writeFileSync(
    conf,
    [
      `port ${port}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 10000`,
      "",
    ].join("\n"),
  );
  const child = spawn("redis-server", [conf, "--sentinel"], { stdio: "ignore" });
  await waitForPong(port, "redis sentinel to start");
  return {
    port,
    cleanup: async () => {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await gone;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

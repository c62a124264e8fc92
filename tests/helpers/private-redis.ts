import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { waitFor } from "./pipeline.ts";

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it right away). */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once something answers PING on `port`. */
export async function waitForPong(port: number, what = "redis-server to start"): Promise<void> {
  await waitFor(async () => {
    const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    try {
      await probe.connect();
      return (await probe.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }, 10_000, what);
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
export async function privateRedis(persistence: "aof" | "none"): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "herald-redis-"));
  let child: ChildProcess | null = null;
  const start = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", persistence === "aof" ? "yes" : "no", "--save", ""];
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

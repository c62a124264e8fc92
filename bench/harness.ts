/**
 * What the end-to-end benchmarks share: a scratch directory and Redis key
 * prefix per benchmark (removed afterwards), configs built the way Herald
 * builds them, and Herald worker processes with their memory watched.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { configSchema, type HeraldConfig } from "../config/schema.ts";
import { deleteKeys } from "../tests/helpers/pipeline.ts";
import { waitFor } from "../tests/helpers/wait.ts";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** One benchmark's scratch space: a temp dir (SQLite, config files) and a Redis key prefix. */
export interface Scratch {
  dir: string;
  prefix: string;
  dbPath: string;
  /** Deletes the prefix's Redis keys and the temp dir. */
  cleanup(): Promise<void>;
}

export function scratch(name: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), `herald-bench-${name}-`));
  const prefix = `herald-bench-${name}-${randomUUID()}`;
  return {
    dir,
    prefix,
    dbPath: join(dir, "herald.db"),
    cleanup: async () => {
      await deleteKeys(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The raw (pre-validation) config for a benchmark: its own prefix and
 * database, HTTP on an ephemeral port, quiet logs. `raw` overrides any key.
 */
export function rawConfig(space: Scratch, raw: Record<string, unknown>): Record<string, unknown> {
  return {
    redis: { url: REDIS_URL, prefix: space.prefix },
    database: { path: space.dbPath },
    http: { host: "127.0.0.1", port: 0 },
    log: { level: "warn" },
    ...raw,
  };
}

/** The validated config, as `herald start` would load it. */
export function benchConfig(space: Scratch, raw: Record<string, unknown>): HeraldConfig {
  return configSchema.parse(rawConfig(space, raw));
}

/** Polls `check` every `everyMs` (5 ms: a wait adds little to a figure) until it is truthy; throws naming `what` after `timeoutMs`. */
export const waitUntil = <T>(check: () => T | Promise<T>, timeoutMs: number, what: string, everyMs = 5) =>
  waitFor(check, timeoutMs, what, everyMs);

/** A `herald worker` child process. */
export interface WorkerProcess {
  pid: number;
  /** Largest resident set seen so far (kB): the kernel's VmHWM, or the largest sampled VmRSS if higher. */
  peakRssKb(): number;
  /** What the process wrote (stdout and stderr), last 64 kB, for error messages. */
  output(): string;
  /** False once the process has exited. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs` + 5 s. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node bin/herald.mjs worker --roles ingest,deliver --config <file>` (the
 * benchmarks queue ingest jobs: one process runs the whole pipeline) with the config written
 * as JSON (which is YAML). Node is spawned directly, so `pid` is the process
 * doing the work and /proc/<pid>/status describes it. `nodeArgs` go before the
 * script (e.g. `--cpu-prof`).
 */
export function startWorker(
  space: Scratch,
  raw: Record<string, unknown>,
  options: { name?: string; nodeArgs?: string[] } = {},
): WorkerProcess {
  const configPath = join(space.dir, `${options.name ?? "worker"}.yaml`);
  writeFileSync(configPath, JSON.stringify(rawConfig(space, raw)));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      join(PROJECT_ROOT, "bin/herald.mjs"),
      "worker",
      "--roles",
      "ingest,deliver",
      "--config",
      configPath,
    ],
    {
      cwd: space.dir,
      env: { ...process.env, HERALD_SHUTDOWN_GRACE_MS: "2000" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (child.pid === undefined) throw new Error("could not start the herald worker process");
  const pid = child.pid;
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-64 * 1024);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  let sampledPeak = 0;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, statusKb(pid, "VmRSS"));
  }, 200);
  sampler.unref();

  return {
    pid,
    peakRssKb: () => Math.max(sampledPeak, statusKb(pid, "VmHWM")),
    output: () => log,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop(graceMs = 5000) {
      clearInterval(sampler);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs + 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A `Vm*` field of /proc/<pid>/status in kB; 0 once the process is gone. */
function statusKb(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Milliseconds as seconds with 2 decimals, for sentences. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux everywhere). */
const TICK_MS = 10;

/** CPU time (user + system) a process has used so far, in ms; 0 once it is gone (Linux /proc). */
export function processCpuMs(pid: number): number {
  try {
    // Fields after the command name, which may hold spaces but ends at the last ')'.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** The machine's busy and total CPU time so far, in ms summed over its cores (the `cpu` line of /proc/stat). */
export function machineCpuMs(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/) ?? [];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks.map(Number);
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { busy: busy * TICK_MS, total: (busy + (idle ?? 0) + (iowait ?? 0)) * TICK_MS };
}

/** The pid of the local redis-server, for its CPU time; null when none runs here (a remote Redis). */
export function localRedisPid(): number | null {
  try {
    const out = execFileSync("pgrep", ["-x", "redis-server"], { encoding: "utf8" }).trim().split("\n")[0];
    return out ? Number(out) : null;
  } catch {
    return null;
  }
}

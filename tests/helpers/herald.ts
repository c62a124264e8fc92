import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { projectRoot } from "./paths.ts";

export interface HeraldProcess extends ChildProcess {
  /** Everything written to stdout and stderr so far. */
  output(): string;
  stdoutText(): string;
  stderrText(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the real CLI (`bin/herald.mjs`) as a child process, in the project folder unless `cwd` says otherwise. */
export function spawnHerald(args: string[], env: Record<string, string> = {}, cwd = projectRoot): HeraldProcess {
  const child = spawn(process.execPath, [join(projectRoot, "bin/herald.mjs"), ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let output = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
    output += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
    output += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return Object.assign(child, { output: () => output, stdoutText: () => stdout, stderrText: () => stderr, exited });
}

/** Runs the CLI to completion. */
export async function runHerald(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawnHerald(args, env);
  const { code } = await child.exited;
  return { status: code, stdout: child.stdoutText(), stderr: child.stderrText() };
}

/** A TCP port nothing listens on right now, for a process's http.port. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The lines a process printed for people, minus its log lines (JSON). */
export function plainLines(output: string): string[] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("{"));
}

/**
 * Writes a config file for a CLI run against a test's Redis prefix and store (as on another host of the
 * fleet), with `extra` keys; returns its path.
 */
export function writeCliConfig(
  t: { dir: string; config: { redis: unknown; database: unknown } },
  extra: Record<string, unknown>,
  name = "herald.yaml",
): string {
  const path = join(t.dir, name);
  writeFileSync(
    path,
    JSON.stringify({ redis: t.config.redis, database: t.config.database, log: { level: "silent" }, ...extra }),
  );
  return path;
}

/**
 * Tiny benchmark helpers: every figure is printed beside a baseline measured
 * in the same run, so the ratio means something on whatever machine runs it.
 */
import { pathToFileURL } from "node:url";

export interface Stats {
  runs: number;
  median: number;
  p95: number;
  total: number;
}

export function stats(samplesMs: number[]): Stats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { runs: sorted.length, median: at(0.5), p95: at(0.95), total: sorted.reduce((s, x) => s + x, 0) };
}

/** Runs `fn` `runs` times (after `warmup` unmeasured runs) and returns per-run milliseconds. */
export async function sample(runs: number, fn: (i: number) => unknown, warmup = 0): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return stats(times);
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

/** Prints one benchmark line: the figure, the baseline, their ratio (of medians), and median/p95 of both. */
export function report(name: string, subject: Stats, baseline: Stats, note = ""): void {
  const ratio = baseline.median / subject.median;
  // Two decimals near parity: with one, 0.95 printed as "1.0x slower".
  const times = (x: number) => `${x.toFixed(x < 2 ? 2 : 1)}x`;
  console.log(
    `${name}: median ${ms(subject.median)}, p95 ${ms(subject.p95)} (n=${subject.runs}) | ` +
      `baseline median ${ms(baseline.median)}, p95 ${ms(baseline.p95)} (n=${baseline.runs}) | ` +
      `${ratio >= 1 ? `${times(ratio)} faster` : `${times(1 / ratio)} slower`}${note ? ` | ${note}` : ""}`,
  );
}

/** Something counted over a measured span: deliveries, articles. */
export interface Rate {
  count: number;
  ms: number;
}

const perSecond = (rate: Rate) => rate.count / (rate.ms / 1000);
const plain = (x: number) => Math.round(x).toLocaleString("en-US");

/** Prints one throughput line: items per second of the subject and the baseline, and their ratio. */
export function reportRate(name: string, subject: Rate, baseline: Rate, unit: string, note = ""): void {
  const ratio = perSecond(subject) / perSecond(baseline);
  console.log(
    `${name}: ${plain(perSecond(subject))} ${unit}/s (${plain(subject.count)} in ${(subject.ms / 1000).toFixed(2)} s) | ` +
      `baseline ${plain(perSecond(baseline))} ${unit}/s (${plain(baseline.count)} in ${(baseline.ms / 1000).toFixed(2)} s) | ` +
      `${ratio.toFixed(2)}x the baseline${note ? ` | ${note}` : ""}`,
  );
}

/** Prints a benchmark's heading with the sizes it runs at, so every figure can be read against them. */
export function heading(name: string, sizes: Record<string, string | number>): void {
  const list = Object.entries(sizes)
    .map(([key, value]) => `${key} ${typeof value === "number" ? value.toLocaleString("en-US") : value}`)
    .join(", ");
  console.log(`\n## ${name}${list ? ` (${list})` : ""}`);
}

/** Prints a line of context (a setting, a count, a finding) under the current benchmark. */
export function note(text: string): void {
  console.log(`  - ${text}`);
}

/** True when `moduleUrl` is the script node was started with, so each bench file can also run alone. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && moduleUrl === pathToFileURL(script).href;
}

/** The store backends a bench runs on, from a comma-separated setting such as BENCH_STORE_BACKENDS; other names are left out. */
export function storeBackends(setting = "sqlite,postgres"): ("sqlite" | "postgres")[] {
  return setting
    .split(",")
    .map((name) => name.trim())
    .filter((name): name is "sqlite" | "postgres" => name === "sqlite" || name === "postgres");
}

/** `items` in a round's order: as given in even rounds, reversed in odd ones, so a machine drifting over the rounds weighs on each alike. */
export function alternating<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}

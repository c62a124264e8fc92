/**
 * Tiny benchmark helpers: every figure is printed beside a baseline measured
 * in the same run, so the ratio means something on whatever machine runs it.
 */
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

/** Prints one benchmark line: the figure, the baseline, their ratio, and median/p95 of both. */
export function report(name: string, subject: Stats, baseline: Stats, note = ""): void {
  const ratio = baseline.median / subject.median;
  console.log(
    `${name}: median ${ms(subject.median)}, p95 ${ms(subject.p95)} (n=${subject.runs}) | ` +
      `baseline median ${ms(baseline.median)}, p95 ${ms(baseline.p95)} (n=${baseline.runs}) | ` +
      `${ratio.toFixed(1)}x faster${note ? ` | ${note}` : ""}`,
  );
}

/**
 * Adversarial article text (the shapes that made Herald's parsing and
 * formatting quadratic) and a growth check: how much longer a stage takes on
 * 80 KB than on 10 KB of the same shape. Shared by tests/complexity-*.test.ts
 * and bench/hostile.ts.
 */
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";

/** One repeated unit per shape; `hostileText` repeats it to the wanted size. */
export const HOSTILE_UNITS: Record<string, string> = {
  "{{": "{{",
  "{%": "{%",
  "{{<": "{{<",
  "*a": "*a",
  _a: "_a",
  "`a": "`a",
  "~~a": "~~a",
  "[": "[",
  "[a](": "[a](",
  "<b>": "<b>",
  "<b><i> nesting": "<b><i>",
  "&amp; runs": "&amp;",
  "nested lists - - -": "- ",
  "> > > quotes": "> ",
  "whitespace runs": " \t ",
  "newline runs": "\n",
  "| table lines": "| a | b |\n",
  "Hangul without spaces": "하늘클라우드결제장애",
  "emoji ZWJ sequences": "👨‍👩‍👧‍👦",
  "combining marks": "\u0301",
};

/** Pieces the seeded mix draws from: every unit above plus plain words and line breaks. */
const MIX_PIECES = [...Object.values(HOSTILE_UNITS), "word ", "\n\n", "1. ", "# ", "\\", "|", "](", ")", "-->", "<!--"];

export const HOSTILE_SHAPES = [...Object.keys(HOSTILE_UNITS), "seeded mix"];

/** `size` code units (or a few more) of a shape, after a short plain lead so a line-start shape starts a line. */
export function hostileText(shape: string, size: number): string {
  const lead = "Lead.\n\n";
  if (shape === "seeded mix") return lead + seededMix(size);
  const unit = HOSTILE_UNITS[shape];
  if (unit === undefined) throw new Error(`no hostile shape named ${JSON.stringify(shape)}`);
  const text = lead + unit.repeat(Math.ceil(size / unit.length));
  // A run of combining marks needs a base letter to sit on.
  return shape === "combining marks" ? text.replace(lead, `${lead}e`) : text;
}

/** The same pseudo-random mix of the pieces for every run (fixed seed), `size` code units or a few more. */
function seededMix(size: number): string {
  const [pieces] = fc.sample(fc.array(fc.constantFrom(...MIX_PIECES), { minLength: size, maxLength: size }), {
    seed: 20261014,
    numRuns: 1,
  });
  let out = "";
  for (const piece of pieces ?? []) {
    if (out.length >= size) break;
    out += piece;
  }
  return out;
}

export const SIZES_KB = [10, 20, 40, 80] as const;

/**
 * The ratio every stage stays under (see Growth.ratio): linear work gives ~1, n log n ~1.3, the quadratic
 * stages this replaced gave 7–10. Linear stages measured up to ~3 on a busy 2-core machine (an 80 KB parse
 * outgrows the young generation; 10 KB ones do not).
 */
export const GROWTH_LIMIT = 4;

/** A growth's per-size times, for an assertion's message. */
export const growthDetail = (growth: Growth): string =>
  `ms per 10/20/40/80 KB: ${growth.perSize.map((t) => t.toFixed(t < 0.1 ? 3 : 2)).join(" / ")}`;

export interface Growth {
  /** CPU milliseconds to process `SIZES_KB[i]` KB once (best of the runs, each processing 80 KB worth). */
  perSize: number[];
  /**
   * Time for one 80 KB input over time for eight 10 KB inputs (or, when smaller, twice that over four 20 KB
   * inputs): ~1 when linear, ~8 when quadratic.
   */
  ratio: number;
}

// A collection between measurements keeps one batch's garbage from being collected on the next one's clock.
v8.setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** CPU time of the process (all its threads, so the garbage collector's too), in ms: other processes on a busy machine do not count. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * A string built piece by piece is a rope in V8, flattened by the first operation that reads it:
 * inside the timed part that cost lands on the code measured, and grows worse than linearly with
 * the rope's size on some machines (its nodes scatter over the heap). `Number()` flattens it first.
 */
function flattened<T>(input: T): T {
  if (typeof input === "string") Number(input);
  return input;
}

/**
 * Measures `run` on inputs of 10, 20, 40 and 80 KB. Every measurement
 * processes 80 KB in total (eight 10 KB inputs, …, one 80 KB input), so
 * linear work takes the same time at every size. Sizes take turns within
 * each round and the best of the rounds counts: interference only ever adds
 * time. Inputs are made by `prepare` outside the timed part.
 */
export function measureGrowth<T>(
  prepare: (sizeKb: number, copy: number) => T,
  run: (input: T) => unknown,
  rounds = 2,
): Growth {
  const largest = SIZES_KB[SIZES_KB.length - 1] as number;
  const copies = (kb: number) => largest / kb;
  const best = SIZES_KB.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round <= rounds; round++) {
    SIZES_KB.forEach((kb, i) => {
      const inputs = Array.from({ length: copies(kb) }, (_, copy) => flattened(prepare(kb, copy)));
      collectGarbage();
      const start = cpuMs();
      for (const input of inputs) run(input);
      const spent = cpuMs() - start;
      // Round 0 warms the code up.
      if (round > 0) best[i] = Math.min(best[i] as number, spent);
    });
  }
  const perSize = best.map((ms, i) => ms / copies(SIZES_KB[i] as number));
  const last = perSize[perSize.length - 1] as number;
  // Against 10 KB and, doubled, against 20 KB: quadratic work gives 8 both ways, linear work 1 and 2. The
  // smaller one counts, because 10 KB can sit in a cheaper regime of its own: on Node 22 a warmed Slack
  // formatter measured 7x cheaper per KB there than at 20, 40 and 80 KB, which were linear among themselves.
  const against = (i: number) => last / ((perSize[i] as number) * copies(SIZES_KB[i] as number));
  return { perSize, ratio: Math.min(against(0), 2 * against(1)) };
}

/** How often a ratio that looks superlinear is measured in all (see growthRatio). */
const ATTEMPTS = 5;

/**
 * The ratio, measured up to five times while it looks superlinear: a
 * collection, another process or a cache can slow one measurement, but not
 * five in a row by the same factor. Quadratic work stays ~8 every time.
 * (Three were not enough once in a full CI run on 2 busy cores: one 80 KB
 * shape measured 6× its alone-figure three times over, and passed alone.)
 */
export function growthRatio<T>(
  prepare: (sizeKb: number, copy: number) => T,
  run: (input: T) => unknown,
  limit: number,
): Growth {
  let best = measureGrowth(prepare, run);
  for (let attempt = 1; attempt < ATTEMPTS && best.ratio >= limit; attempt++) {
    const again = measureGrowth(prepare, run);
    if (again.ratio < best.ratio) best = again;
  }
  return best;
}

/**
 * Runs `fn`; an error of one of the `expected` classes (a stage rightly
 * refusing hostile input, e.g. markup nested too deeply) is returned as the
 * value, since the time to refuse is what is measured. Any other error fails.
 */
export function settle(fn: () => unknown, expected: (abstract new (...args: never[]) => Error)[]): unknown {
  try {
    return fn();
  } catch (error) {
    if (expected.some((type) => error instanceof type)) return error;
    throw error;
  }
}

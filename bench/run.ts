/**
 * `npm run bench [-- name ...]`: runs the named benchmarks (all without
 * names) one after another. Every figure is printed beside a baseline
 * measured in the same run; targets from the issues are printed, not asserted.
 */
import { cpus, loadavg } from "node:os";
import { benchBots } from "./bots.ts";
import { benchCards } from "./card.ts";
import { benchCommand } from "./command.ts";
import { benchFanout } from "./fanout.ts";
import { benchParseFormat } from "./format.ts";
import { seconds } from "./harness.ts";
import { benchHostile } from "./hostile.ts";
import { benchPipeline } from "./pipeline.ts";
import { benchSearch } from "./search.ts";
import { benchStore } from "./store.ts";
import { benchStory } from "./story.ts";

/** In the order they run. */
const BENCHMARKS: Record<string, () => Promise<void>> = {
  card: benchCards,
  format: benchParseFormat,
  hostile: benchHostile,
  search: benchSearch,
  pipeline: benchPipeline,
  store: benchStore,
  fanout: benchFanout,
  bots: benchBots,
  story: benchStory,
  command: benchCommand,
};

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ");

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(
    `bench: unknown benchmark ${unknown.map((n) => `'${n}'`).join(", ")}; choose from ${Object.keys(BENCHMARKS).join(", ")}`,
  );
  process.exit(2);
}
const selected =
  wanted.length > 0 ? Object.keys(BENCHMARKS).filter((name) => wanted.includes(name)) : Object.keys(BENCHMARKS);

console.log(`# Herald benchmarks: ${selected.join(", ")}`);
console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, load average (1/5/15 min) ${load()} at start`,
);
const started = performance.now();
let failed = 0;
for (const name of selected) {
  const run = BENCHMARKS[name] as () => Promise<void>;
  const start = performance.now();
  try {
    await run();
  } catch (error) {
    // One broken benchmark should not hide the others' figures.
    failed++;
    console.log(`${name}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  }
  console.log(`  (${name} took ${seconds(performance.now() - start)}; load average ${load()})`);
}
console.log(
  `\nAll done in ${seconds(performance.now() - started)}${failed ? `, ${failed} failed` : ""}; load average ${load()} at the end`,
);
process.exitCode = failed > 0 ? 1 : 0;

/**
 * The house rules the folder tree promises: imports flow one way
 * (src ← adapters ← jobs), and no module imports itself back in a cycle.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./helpers/paths.ts";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const files = ["src", "adapters", "jobs", "config"].flatMap((d) => sources(join(projectRoot, d)));
// `import type` is erased at run time, so it cannot make a cycle that matters; it still counts for layering.
const TYPE_ONLY = /^\s*(?:import|export)\s+type\s/;
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+["'](\.[^"']+)["']|^\s*import\(\s*["'](\.[^"']+)["']|await import\(\s*["'](\.[^"']+)["']/gm;

const edges = (file: string, withTypes: boolean) =>
  [...readFileSync(file, "utf8").matchAll(IMPORT)]
    .filter((m) => withTypes || !TYPE_ONLY.test(m[0]))
    .map((m) => resolve(dirname(file), (m[1] ?? m[2] ?? m[3]) as string));
const graph = new Map<string, string[]>(files.map((file) => [file, edges(file, true)]));
const runtimeGraph = new Map<string, string[]>(files.map((file) => [file, edges(file, false)]));
const layer = (file: string) => relative(projectRoot, file).split("/")[0] as string;

describe("architecture", () => {
  it("keeps src/ free of adapters/, jobs/ and config/", () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      layer(file) === "src" ? targets.filter((t) => ["adapters", "jobs", "config"].includes(layer(t))).map((t) => `${relative(projectRoot, file)} → ${relative(projectRoot, t)}`) : [],
    );
    expect(offending).toEqual([]);
  });

  it("keeps adapters/ free of jobs/", () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      layer(file) === "adapters" ? targets.filter((t) => layer(t) === "jobs").map((t) => `${relative(projectRoot, file)} → ${relative(projectRoot, t)}`) : [],
    );
    expect(offending).toEqual([]);
  });

  it("keeps the store's backends behind its contract: only src/store/ imports src/store/sqlite/ or src/store/postgres/, or a driver", () => {
    const backend = (path: string) => /^src\/store\/(sqlite|postgres)\//.test(relative(projectRoot, path));
    const inStore = (path: string) => relative(projectRoot, path).startsWith("src/store/");
    const offending = [...graph].flatMap(([file, targets]) =>
      inStore(file) ? [] : targets.filter(backend).map((t) => `${relative(projectRoot, file)} → ${relative(projectRoot, t)}`),
    );
    const drivers = files.filter((file) => !inStore(file) && /from\s+["'](better-sqlite3|pg)["']/.test(readFileSync(file, "utf8")));
    expect(offending).toEqual([]);
    expect(drivers.map((file) => relative(projectRoot, file))).toEqual([]);
  });

  it("has no import cycles", () => {
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(projectRoot, f)).join(" → "));
        return;
      }
      state.set(file, "visiting");
      for (const target of runtimeGraph.get(file) ?? []) if (runtimeGraph.has(target)) visit(target, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("lets only the ingest role's card renderer (and herald preview) launch Chromium", () => {
    // A `herald worker` must not be able to start ~0.45 GB of browsers, whatever job reaches it.
    const launchesChromium = (file: string) => /\bCardRenderer\.launch\(|\blaunchCardBrowser\(|from\s+["']puppeteer-core["']/.test(readFileSync(file, "utf8"));
    const outsideCard = files.filter((file) => !relative(projectRoot, file).startsWith("src/card/"));
    expect(outsideCard.filter(launchesChromium).map((f) => relative(projectRoot, f)).sort()).toEqual(["jobs/cli/preview.ts", "jobs/pipeline/card-renderer.ts"]);
    // …and the service reaches that renderer only through the runtime, which creates it for the `ingest` role alone.
    const renderer = join(projectRoot, "jobs/pipeline/card-renderer.ts");
    const importers = [...runtimeGraph].filter(([, targets]) => targets.includes(renderer)).map(([file]) => relative(projectRoot, file));
    expect(importers).toEqual(["jobs/runtime.ts"]);
  });

  it("has one logger shape, src/log.ts's Log, and no per-platform copies of it", () => {
    const declaresLogger = (file: string) => /^export (?:interface|type) \w*Log(?:ger)?\b/m.test(readFileSync(file, "utf8"));
    expect(files.filter(declaresLogger).map((f) => relative(projectRoot, f))).toEqual(["src/log.ts"]);
  });
});

/**
 * The house rules the folder tree promises: imports flow one way
 * (src ← adapters ← jobs), no module imports itself back in a cycle, and a
 * platform lives in its adapter folder alone (a folder plus one line in
 * adapters/registry.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { builtInPlatforms } from "../adapters/registry.ts";
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
const IMPORT =
  /^\s*(?:import|export)\s[^'"]*?from\s+["'](\.[^"']+)["']|^\s*import\(\s*["'](\.[^"']+)["']|await import\(\s*["'](\.[^"']+)["']/gm;

const edges = (file: string, withTypes: boolean) =>
  [...readFileSync(file, "utf8").matchAll(IMPORT)]
    .filter((m) => withTypes || !TYPE_ONLY.test(m[0]))
    .map((m) => resolve(dirname(file), (m[1] ?? m[2] ?? m[3]) as string));
const graph = new Map<string, string[]>(files.map((file) => [file, edges(file, true)]));
const runtimeGraph = new Map<string, string[]>(files.map((file) => [file, edges(file, false)]));
const layer = (file: string) => relative(projectRoot, file).split("/")[0] as string;

/**
 * Where a file names a platform in code: identifiers and string, template and
 * regex literals that contain a platform id (case-insensitive). Comments are
 * not code: a doc comment may say "Telegram refuses a second long poll" to
 * explain why a generic rule exists.
 */
function platformMentions(file: string, ids: readonly string[]): string[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const pattern = new RegExp(ids.join("|"), "i");
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const code =
      ts.isIdentifier(node) || ts.isPrivateIdentifier(node)
        ? node.text
        : ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isRegularExpressionLiteral(node)
          ? node.getText(source)
          : null;
    if (code !== null && pattern.test(code)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${relative(projectRoot, file)}:${line + 1}: ${code.slice(0, 60)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A row of the skeleton table in adapters/README.md: `| \`file\` | needed | its one job |`. */
interface SkeletonRow {
  file: string;
  need: "always" | "with commands" | "optional";
  matches: (name: string) => boolean;
}

/** The table's rows; `<mode>` in a name stands for a lower-case, dash-separated word (`receive-<mode>.ts`). */
function readSkeleton(markdown: string): SkeletonRow[] {
  return [...markdown.matchAll(/^\| `([^`]+)` \| (always|with commands|optional) \|/gm)].map(([, file, need]) => {
    const pattern = new RegExp(
      `^${(file as string).replace(/\./g, "\\.").replace(/<[a-z]+>/g, "[a-z]+(?:-[a-z]+)*")}$`,
    );
    return { file: file as string, need: need as SkeletonRow["need"], matches: (name) => pattern.test(name) };
  });
}

/** What is wrong with one adapter folder's file names, measured against the skeleton. */
function skeletonProblems(folder: string, names: readonly string[], skeleton: readonly SkeletonRow[]): string[] {
  const problems = names
    .filter((name) => !skeleton.some((row) => row.matches(name)))
    .map((name) => `${folder}/${name}: no such file name in the skeleton (adapters/README.md)`);
  const present = (row: SkeletonRow) => names.some(row.matches);
  for (const row of skeleton.filter((r) => r.need === "always" && !present(r)))
    problems.push(`${folder}: has no ${row.file}`);
  const commandRows = skeleton.filter((row) => row.need === "with commands");
  if (commandRows.some(present)) {
    for (const row of commandRows.filter((r) => !present(r)))
      problems.push(`${folder}: takes commands but has no ${row.file}`);
  }
  return problems;
}

describe("architecture", () => {
  it("keeps src/ free of adapters/, jobs/ and config/", () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      layer(file) === "src"
        ? targets
            .filter((t) => ["adapters", "jobs", "config"].includes(layer(t)))
            .map((t) => `${relative(projectRoot, file)} → ${relative(projectRoot, t)}`)
        : [],
    );
    expect(offending).toEqual([]);
  });

  it("keeps adapters/ free of jobs/", () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      layer(file) === "adapters"
        ? targets
            .filter((t) => layer(t) === "jobs")
            .map((t) => `${relative(projectRoot, file)} → ${relative(projectRoot, t)}`)
        : [],
    );
    expect(offending).toEqual([]);
  });

  it("keeps adapters/ free of config/, and each adapter free of the others (adapters/shared/ is for all)", () => {
    const folder = (path: string) => relative(join(projectRoot, "adapters"), path).split("/");
    const offending = [...graph].flatMap(([file, targets]) => {
      if (layer(file) !== "adapters") return [];
      const [own, ...rest] = folder(file);
      // adapters/registry.ts is the one file that lists every adapter.
      if (rest.length === 0) return [];
      return targets
        .filter(
          (t) =>
            layer(t) === "config" ||
            (layer(t) === "adapters" && folder(t).length > 1 && folder(t)[0] !== own && folder(t)[0] !== "shared"),
        )
        .map((t) => `${relative(projectRoot, file)} → ${relative(projectRoot, t)}`);
    });
    expect(offending).toEqual([]);
  });

  it("keeps node:http out of adapters/ and the adapter contract: an adapter's HTTP receivers are web handlers (Request → Response)", () => {
    const nodeHttp = /(?:from\s+|import\(\s*)["'](?:node:)?(?:http|https|http2)["']/;
    const offending = [...files.filter((file) => layer(file) === "adapters"), join(projectRoot, "src/adapter.ts")]
      .filter((file) => nodeHttp.test(readFileSync(file, "utf8")))
      .map((file) => relative(projectRoot, file));
    expect(offending).toEqual([]);
    // The rule can fail: it finds the one place that adapts node:http, outside adapters/.
    expect(
      files.filter((file) => nodeHttp.test(readFileSync(file, "utf8"))).map((f) => relative(projectRoot, f)),
    ).toContain("jobs/http/web.ts");
  });

  it("names no platform in src/, jobs/ or config/ code: platform knowledge lives in adapters/ and reaches the rest through adapters/registry.ts", () => {
    const ids = builtInPlatforms.map((p) => p.id);
    const outsideAdapters = files.filter((file) => layer(file) !== "adapters");
    expect(outsideAdapters.length).toBeGreaterThan(100);
    expect(outsideAdapters.flatMap((file) => platformMentions(file, ids))).toEqual([]);
  });

  it("spots a platform named in code but not in a comment (the rule above can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "herald-arch-"));
    try {
      const file = join(dir, "sample.ts");
      writeFileSync(
        file,
        '// Telegram refuses a second long poll.\n/** Discord: 50 a second. */\nconst mode = config.telegram?.mode;\nconst key = "slack:" + id;\n',
      );
      expect(
        platformMentions(file, ["discord", "slack", "telegram"]).map((m) => m.split(": ").slice(1).join(": ")),
      ).toEqual(["telegram", '"slack:"']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the store's backends behind its contract: only src/store/ imports src/store/sqlite/ or src/store/postgres/, or a driver", () => {
    const backend = (path: string) => /^src\/store\/(sqlite|postgres)\//.test(relative(projectRoot, path));
    const inStore = (path: string) => relative(projectRoot, path).startsWith("src/store/");
    const offending = [...graph].flatMap(([file, targets]) =>
      inStore(file)
        ? []
        : targets.filter(backend).map((t) => `${relative(projectRoot, file)} → ${relative(projectRoot, t)}`),
    );
    const drivers = files.filter(
      (file) => !inStore(file) && /from\s+["'](better-sqlite3|pg)["']/.test(readFileSync(file, "utf8")),
    );
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
    const launchesChromium = (file: string) =>
      /\bCardRenderer\.launch\(|\blaunchCardBrowser\(|from\s+["']puppeteer-core["']/.test(readFileSync(file, "utf8"));
    const outsideCard = files.filter((file) => !relative(projectRoot, file).startsWith("src/card/"));
    expect(
      outsideCard
        .filter(launchesChromium)
        .map((f) => relative(projectRoot, f))
        .sort(),
    ).toEqual(["jobs/cli/preview.ts", "jobs/pipeline/card-renderer.ts"]);
    // …and the service reaches that renderer only through the runtime, which creates it for the `ingest` role alone.
    const renderer = join(projectRoot, "jobs/pipeline/card-renderer.ts");
    const importers = [...runtimeGraph]
      .filter(([, targets]) => targets.includes(renderer))
      .map(([file]) => relative(projectRoot, file));
    expect(importers).toEqual(["jobs/runtime.ts"]);
  });

  it("has one logger shape, src/log.ts's Log, and no per-platform copies of it", () => {
    const declaresLogger = (file: string) =>
      /^export (?:interface|type) \w*Log(?:ger)?\b/m.test(readFileSync(file, "utf8"));
    expect(files.filter(declaresLogger).map((f) => relative(projectRoot, f))).toEqual(["src/log.ts"]);
  });

  it("gives every adapter folder the skeleton of adapters/README.md: its `always` files, all `with commands` files or none, no other names", () => {
    const adapters = join(projectRoot, "adapters");
    const skeleton = readSkeleton(readFileSync(join(adapters, "README.md"), "utf8"));
    expect(skeleton.filter((row) => row.need === "always").map((row) => row.file)).toEqual(
      expect.arrayContaining([
        "platform.ts",
        "config.ts",
        "index.ts",
        "format.ts",
        "errors.ts",
        "poster.ts",
        "preview.ts",
      ]),
    );
    const folders = readdirSync(adapters).filter(
      (name) => name !== "shared" && statSync(join(adapters, name)).isDirectory(),
    );
    expect(folders.sort()).toEqual(builtInPlatforms.map((p) => p.id).sort());
    const problems = folders.flatMap((folder) =>
      skeletonProblems(folder, readdirSync(join(adapters, folder)), skeleton),
    );
    expect(problems).toEqual([]);
  });

  it("spots a stray file name, a missing `always` file and half the command files (the rule above can fail)", () => {
    const skeleton = readSkeleton(
      [
        "| `index.ts` | always | the adapter |",
        "| `receive-<mode>.ts` | with commands | a mode |",
        "| `reply.ts` | with commands | pure reply |",
        "| `pace.ts` | optional | paces |",
      ].join("\n"),
    );
    expect(skeletonProblems("echo", ["index.ts", "receive-socket-mode.ts", "reply.ts", "pace.ts"], skeleton)).toEqual(
      [],
    );
    expect(skeletonProblems("echo", ["index.ts"], skeleton)).toEqual([]);
    expect(skeletonProblems("echo", ["webhook.ts", "receive-gateway.ts", "receive-HTTP.ts"], skeleton)).toEqual([
      "echo/webhook.ts: no such file name in the skeleton (adapters/README.md)",
      "echo/receive-HTTP.ts: no such file name in the skeleton (adapters/README.md)",
      "echo: has no index.ts",
      "echo: takes commands but has no reply.ts",
    ]);
  });
});

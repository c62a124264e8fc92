/**
 * The posts the benchmarks run on: the project's examples and fixtures, plus
 * the shared corpus's real third-party posts when it sits beside the clone.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./harness.ts";

const POST_DIRS = [
  join(PROJECT_ROOT, "examples/posts"),
  join(PROJECT_ROOT, "tests/fixtures/posts"),
  join(PROJECT_ROOT, "../shared/corpus/posts"),
];

export interface PostFile {
  name: string;
  raw: Buffer;
}

/** Every post file (.md, .markdown) in the directories that exist, in a stable order. */
export function loadPosts(): PostFile[] {
  return POST_DIRS.filter((dir) => existsSync(dir)).flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => /\.(md|markdown)$/.test(name))
      .sort()
      .map((name) => ({ name: join(dir, name), raw: readFileSync(join(dir, name)) })),
  );
}

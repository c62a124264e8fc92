import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const fixture = (...parts: string[]) => join(projectRoot, "tests/fixtures", ...parts);
/** shared/ sits beside the project checkout (locally and in CI). */
export const sharedDir = resolve(projectRoot, "../shared");
export const seedPath = join(sharedDir, "seed/000_fb2e8609dc648e0b.txt");
export const corpusDir = join(sharedDir, "corpus");
export const hasCorpus = existsSync(corpusDir);
export const examplePost = join(projectRoot, "examples/posts/2026-10-14-herald-cloud-outage.md");

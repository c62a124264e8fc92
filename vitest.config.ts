import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

// tests/corpus-*.test.ts read ../shared (the seed and the third-party corpus); a clone without it skips those files.
const hasShared = existsSync(new URL("../shared/seed", import.meta.url));

/**
 * Files that measure the service itself (answer latency while hostile input is parsed, memory after a flood):
 * they run after the rest, one at a time, so another file's Chromium or parser load does not land in their figures.
 */
const MEASURING = ["tests/hostile-service.test.ts", "tests/http-limits.test.ts"];

export default defineConfig({
  test: {
    // Chromium, Redis and child processes make some tests slow on 2 cores; none assert timing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // CI reads the pass/fail counts from a JSON report (see .ci/run).
    reporters: process.env.VITEST_JSON_REPORT ? ["default", ["json", { outputFile: process.env.VITEST_JSON_REPORT }]] : ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          sequence: { groupOrder: 0 },
          include: ["tests/**/*.test.ts"],
          exclude: [...MEASURING, ...(hasShared ? [] : ["tests/corpus-*.test.ts"])],
        },
      },
      {
        extends: true,
        test: { name: "measuring", include: MEASURING, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});

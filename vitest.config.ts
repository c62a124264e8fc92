import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

// tests/corpus-*.test.ts read ../shared (the seed and the third-party corpus); a clone without it skips those files.
const hasShared = existsSync(new URL("../shared/seed", import.meta.url));

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: hasShared ? [] : ["tests/corpus-*.test.ts"],
    // Chromium, Redis and child processes make some tests slow on 2 cores; none assert timing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // CI reads the pass/fail counts from a JSON report (see .ci/run).
    reporters: process.env.VITEST_JSON_REPORT ? ["default", ["json", { outputFile: process.env.VITEST_JSON_REPORT }]] : ["default"],
  },
});

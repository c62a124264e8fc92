// A store Herald cannot open stops `herald start` and `herald worker` at once, with one line that names
// the database and the config key — never the password in database.url.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "./helpers/fleet.ts";
import { plainLines, runHerald } from "./helpers/herald.ts";
import { testConfig } from "./helpers/pipeline.ts";
import { pgUrlFor } from "./helpers/store-backends.ts";

describe("a PostgreSQL store that cannot be opened fails the start with one line", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function configWith(url: string): Promise<string> {
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const path = join(t.dir, "herald.yaml");
    writeFileSync(
      path,
      JSON.stringify({
        redis: t.config.redis,
        database: { url },
        http: { host: "127.0.0.1", port: 0 },
        log: { level: "warn" },
      }),
    );
    return path;
  }

  it("a server nobody listens on: start and worker exit non-zero naming database.url, without the password", async () => {
    const port = await freePort();
    const config = await configWith(`postgres://herald:s3cret-pw@127.0.0.1:${port}/herald`);
    for (const command of ["start", "worker"]) {
      const { status, stdout, stderr } = await runHerald([command, "--config", config]);
      expect(status).not.toBe(0);
      const lines = plainLines(stdout + stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^herald ${command}: cannot connect to PostgreSQL database herald on 127\\.0\\.0\\.1:${port}: .*\\(database\\.url\\)$`,
        ),
      );
      expect(stdout + stderr).not.toContain("s3cret-pw");
    }
  });

  it("a database that does not exist says to create it", async () => {
    const url = new URL(pgUrlFor("herald_no_such_database"));
    url.password = "s3cret-pw";
    const { status, stdout, stderr } = await runHerald(["start", "--config", await configWith(url.href)]);
    expect(status).not.toBe(0);
    expect(plainLines(stdout + stderr)).toEqual([
      expect.stringMatching(/database "herald_no_such_database" does not exist; create the database first/),
    ]);
    expect(stdout + stderr).not.toContain("s3cret-pw");
  });
});

/**
 * Process roles, as an operator runs them: real `herald start` / `herald worker` processes on one
 * Redis and one database. Only a process with the `ingest` role ever has Chromium under it; a
 * process without `http` binds no port; one without `bots` and `sources` opens no bot connection
 * and schedules nothing.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import { createRuntime, type Runtime } from "../jobs/runtime.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import { freePort, type HeraldProcess, plainLines, runHerald, spawnHerald } from "./helpers/herald.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { koreanPost } from "./helpers/posts.ts";
import { chromiumProcessesUnder } from "./helpers/processes.ts";

const TOKEN = "roles-test-ingest-token";
const ROLE_NAMES = "roles are http, sources, bots, ingest, deliver";

/** The parsed log line with this message, once the process has written it. */
const logLine = (herald: HeraldProcess, msg: string) =>
  herald
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg?: string; roles?: string; port?: number | null })
    .find((entry) => entry.msg === msg);

const ingest = (port: number, n: number) =>
  fetch(`http://127.0.0.1:${port}/ingest`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
    body: koreanPost(n),
  });

describe("process roles", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A config file every process of the test reads, and a runtime (no workers) to look at the shared store and queues. */
  async function fleetConfig(raw: Record<string, unknown>): Promise<{ path: string; port: number; runtime: Runtime }> {
    const port = await freePort();
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const full = {
      redis: t.config.redis,
      database: t.config.database,
      http: { host: "127.0.0.1", port },
      log: { level: "info" },
      cards: { browsers: 1 },
      ...raw,
    };
    const path = join(t.dir, "herald.yaml");
    // JSON is YAML: the children read it through the real loader.
    writeFileSync(path, JSON.stringify(full));
    // The test's own view needs no bot: only the store and the queues.
    const runtime = await createRuntime(
      configSchema.parse({ ...full, telegram: undefined, log: { level: "silent" } }),
      { log: silentLog },
    );
    cleanups.push(() => runtime.close(0));
    return { path, port, runtime };
  }

  function spawn(args: string[], env: Record<string, string> = {}): HeraldProcess {
    const herald = spawnHerald(args, env);
    cleanups.push(async () => {
      if (herald.exitCode !== null || herald.signalCode !== null) return;
      herald.kill("SIGTERM");
      await herald.exited;
    });
    return herald;
  }

  it("a fleet of one herald start and two herald workers delivers every post once with its card, and only start has Chromium", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const destinations = [0, 1, 2].map((i) => ({ id: `hook${i}`, type: "discord-webhook", url: discord.webhookUrl() }));
    const feeds = [{ id: "wire", type: "webhook", token: TOKEN, destinations: destinations.map((d) => d.id) }];
    const { path, port, runtime } = await fleetConfig({ destinations, feeds });

    const start = spawn(["start", "--config", path]);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200,
      30_000,
      "start's /healthz",
    );
    const workers = [spawn(["worker", "--config", path]), spawn(["worker", "--config", path])];
    for (const worker of workers)
      await waitFor(() => logLine(worker, "herald worker started"), 30_000, "a worker to start");

    const POSTS = 4;
    for (let n = 1; n <= POSTS; n++) expect((await ingest(port, n)).status).toBe(202);
    const total = POSTS * destinations.length;
    await waitFor(
      async () => (await runtime.store.countByState()).delivered === total,
      60_000,
      `${total} deliveries recorded`,
    );

    // Once each: every post on every webhook exactly one time, each with its timeline card.
    const seen = discord.messages.map((m) => `${m.webhookId} ${m.body.embeds?.[0]?.title}`);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    for (const message of discord.messages) expect(message.files.map((f) => f.contentType)).toEqual(["image/png"]);

    // One Chromium pool in the fleet: under the process that runs `ingest`, none under the workers.
    expect(chromiumProcessesUnder(start.pid as number)).toBeGreaterThan(0);
    for (const worker of workers) expect(chromiumProcessesUnder(worker.pid as number)).toBe(0);
    for (const worker of workers)
      expect(logLine(worker, "herald worker started")).toMatchObject({ roles: "deliver", port: null });

    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    expect(health).toEqual({
      ok: true,
      redis: true,
      database: true,
      roles: { http: true, sources: true, bots: true, ingest: true, deliver: true },
      chromium: "running",
      duties: expect.arrayContaining(["feed-schedules"]),
    });
    expect(logLine(start, "herald started")).toMatchObject({ roles: "http,sources,bots,ingest,deliver", port });

    // herald status shows which processes take each queue's jobs: the roles across the fleet.
    const status = await runHerald(["status", "--config", path]);
    expect(status.status).toBe(0);
    const takers = (queue: string) =>
      new RegExp(`^\\s+${queue}\\s.*workers (\\d+) \\(([^)]*)\\)$`, "m").exec(status.stdout)?.slice(1, 3);
    const pidsOf = (names = "") =>
      names
        .split(", ")
        .map((name) => Number(name.split(":").at(-1)))
        .sort((a, b) => a - b);
    const startPid = start.pid as number;
    const workerPids = workers.map((w) => w.pid as number);
    expect(pidsOf(takers("ingest")?.[1])).toEqual([startPid]);
    expect(pidsOf(takers("poll")?.[1])).toEqual([startPid]);
    expect(pidsOf(takers("maintenance")?.[1])).toEqual([startPid]);
    expect(pidsOf(takers("deliver")?.[1])).toEqual([startPid, ...workerPids].sort((a, b) => a - b));
  }, 120_000);

  it("--roles deliver,http serves /healthz and delivers, with no bot connection and no sources; --roles ingest binds no port", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const telegram = await TelegramFake.start();
    cleanups.push(() => telegram.close());
    const destinations = [{ id: "hook", type: "discord-webhook", url: discord.webhookUrl() }];
    const feeds = [
      { id: "wire", type: "webhook", token: TOKEN, destinations: ["hook"] },
      { id: "news", type: "rss", url: "https://news.example.kr/feed.xml", destinations: ["hook"] },
    ];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax, filled from the environment
    const bot = { token: "${TELEGRAM_BOT_TOKEN}", mode: "polling", apiUrl: telegram.apiRoot };
    const { path, port, runtime } = await fleetConfig({ destinations, feeds, telegram: bot });
    const env = { TELEGRAM_BOT_TOKEN: telegram.token };

    // Same config, same http.port: the ingest process must leave the port to the other.
    const ingester = spawn(["start", "--roles", "ingest", "--config", path], env);
    await waitFor(() => logLine(ingester, "herald started"), 30_000, "the ingest process to start");
    expect(logLine(ingester, "herald started")).toMatchObject({ roles: "ingest", port: null });
    const front = spawn(["worker", "--roles", "deliver,http", "--config", path], env);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200,
      30_000,
      "the http process's /healthz",
    );
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({
      ok: true,
      redis: true,
      database: true,
      roles: { http: true, deliver: true },
      duties: [],
    });
    expect(logLine(front, "herald worker started")).toMatchObject({ roles: "http,deliver", port });

    expect((await ingest(port, 7)).status).toBe(202);
    const [message] = await discord.waitForMessages(1, 60_000);
    expect(message?.files.map((f) => f.contentType)).toEqual(["image/png"]);
    await waitFor(
      async () => (await runtime.store.countByState()).delivered === 1,
      15_000,
      "the delivery to be recorded",
    );

    // The card was rendered by the ingest process; the http+deliver one has no Chromium.
    expect(chromiumProcessesUnder(ingester.pid as number)).toBeGreaterThan(0);
    expect(chromiumProcessesUnder(front.pid as number)).toBe(0);
    // No bots: Telegram never heard from either process. No sources: no feed schedule, no housekeeping schedule.
    expect(telegram.calls.map((c) => c.method)).toEqual([]);
    expect(await runtime.pollQueue.getJobSchedulers()).toEqual([]);
    expect(await runtime.maintenanceQueue.getJobSchedulers()).toEqual([]);
  }, 120_000);

  it("an unknown role fails with one line naming it and the roles there are, before reading the config", async () => {
    for (const [command, roles, bad] of [
      ["start", "bogus", "'bogus'"],
      ["worker", "deliver,bogus,http", "'bogus'"],
    ] as const) {
      const herald = spawnHerald([command, "--roles", roles, "--config", "/nonexistent/herald.yaml"]);
      const { code } = await herald.exited;
      expect(code).not.toBe(0);
      expect(plainLines(herald.output())).toEqual([`herald ${command}: unknown role ${bad} in --roles: ${ROLE_NAMES}`]);
    }
  }, 30_000);
});

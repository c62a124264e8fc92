/**
 * `herald start` is all or nothing: a start that cannot complete (port taken, Redis unreachable,
 * bot token refused) undoes what it started and exits non-zero with one line naming what failed,
 * leaving a running Herald's Telegram polling and Discord gateway session alone.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DiscordFake } from "./fakes/discord/server.ts";
import { TelegramFake, textMessageUpdate } from "./fakes/telegram/server.ts";
import { freePort } from "./helpers/fleet.ts";
import { plainLines, spawnHerald } from "./helpers/herald.ts";
import { testConfig, waitFor } from "./helpers/pipeline.ts";

const CHAT = 4242;
const DISCORD_TOKEN = "startup-discord-bot-token";

/** Resolves true when the port can be bound (nothing listens on it). */
const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });

describe("herald start: a process that cannot start fully does not start at all", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function writeConfig(options: {
    port: number;
    telegram: TelegramFake;
    discord?: DiscordFake;
    redisUrl?: string;
  }): Promise<string> {
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const config = join(t.dir, `herald-${options.port}-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      config,
      JSON.stringify({
        redis: { ...t.config.redis, ...(options.redisUrl ? { url: options.redisUrl } : {}) },
        database: t.config.database,
        http: { host: "127.0.0.1", port: options.port },
        log: { level: "warn" },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax, filled from the environment
        telegram: { token: "${TELEGRAM_BOT_TOKEN}", mode: "polling", apiUrl: options.telegram.apiRoot },
        ...(options.discord ? { discord: { token: DISCORD_TOKEN, mode: "gateway", apiUrl: options.discord.api } } : {}),
      }),
    );
    return config;
  }

  it("a second start on a taken port exits non-zero within 10 s with one line, and the first keeps polling, its gateway session and answering", async () => {
    const telegram = await TelegramFake.start();
    cleanups.push(() => telegram.close());
    const discord = await DiscordFake.start({ botToken: DISCORD_TOKEN, gateway: { heartbeatIntervalMs: 1000 } });
    cleanups.push(() => discord.close());
    const port = await freePort();
    const env = { TELEGRAM_BOT_TOKEN: telegram.token };
    const first = spawnHerald(["start", "--config", await writeConfig({ port, telegram, discord })], env);
    cleanups.push(() => void first.kill("SIGKILL"));
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200,
      30_000,
      "first healthz",
    );
    await waitFor(() => telegram.isPolling, 15_000, "first polling");
    const pollsBefore = telegram.calls.filter((c) => c.method === "getUpdates").length;

    const began = Date.now();
    const second = spawnHerald(["start", "--config", await writeConfig({ port, telegram, discord })], env);
    cleanups.push(() => void second.kill("SIGKILL"));
    const { code } = await second.exited;
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(code).not.toBe(0);
    expect(plainLines(second.output())).toEqual([
      `herald start: port ${port} on 127.0.0.1 is already in use (http.port)`,
    ]);

    // The second never touched Telegram: no getMe of its own, no getUpdates that would 409 the first.
    expect(telegram.calls.filter((c) => c.status === 409)).toEqual([]);
    telegram.pushUpdate(textMessageUpdate({ chatId: CHAT, text: "/news latest" }));
    const [reply] = await telegram.waitForSent(1, 15_000);
    expect(reply).toBeDefined();
    expect(telegram.messagesIn(CHAT).length).toBeGreaterThan(0);
    expect(telegram.calls.filter((c) => c.method === "getUpdates").length).toBeGreaterThan(pollsBefore);
    expect(telegram.calls.filter((c) => c.status === 409)).toEqual([]);
    expect(telegram.getUpdatesConflicts).toBe(0);
    // The gateway saw one session, the first's, and it is still open.
    expect(discord.gateway.connections.filter((c) => c.identify !== null)).toHaveLength(1);
    expect(discord.gateway.openSessions(DISCORD_TOKEN)).toBe(1);
    expect(discord.gateway.maxConcurrentSessions(DISCORD_TOKEN)).toBe(1);
    expect(first.exitCode).toBeNull();
  });

  it("an unreachable Redis fails the start within ~10 s, naming redis.url", async () => {
    const telegram = await TelegramFake.start();
    cleanups.push(() => telegram.close());
    const port = await freePort();
    const deadRedis = await freePort();
    const config = await writeConfig({ port, telegram, redisUrl: `redis://127.0.0.1:${deadRedis}/0` });
    const began = Date.now();
    const herald = spawnHerald(["start", "--config", config], { TELEGRAM_BOT_TOKEN: telegram.token });
    cleanups.push(() => void herald.kill("SIGKILL"));
    const { code } = await herald.exited;
    expect(Date.now() - began).toBeLessThan(12_000);
    expect(code).not.toBe(0);
    const lines = plainLines(herald.output());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^herald start: Redis at redis://127\\.0\\.0\\.1:${deadRedis}/0 is unreachable: .+ \\(redis\\.url\\)$`,
      ),
    );
    // Nothing external was started, and the port is free again.
    expect(telegram.calls.filter((c) => c.method === "getUpdates")).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  });

  it("a refused Telegram token fails the start naming TELEGRAM_BOT_TOKEN, with nothing left running", async () => {
    const telegram = await TelegramFake.start();
    cleanups.push(() => telegram.close());
    const port = await freePort();
    const config = await writeConfig({ port, telegram });
    const began = Date.now();
    const herald = spawnHerald(["start", "--config", config], {
      TELEGRAM_BOT_TOKEN: "7000000009:AAWrongTokenForTheFake_abcdefghijklmno",
    });
    cleanups.push(() => void herald.kill("SIGKILL"));
    const { code } = await herald.exited;
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(code).not.toBe(0);
    const lines = plainLines(herald.output());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^herald start: .*TELEGRAM_BOT_TOKEN/);
    expect(lines[0]).not.toContain("AAWrongTokenForTheFake");
    expect(telegram.calls.filter((c) => c.status === 401).length).toBeGreaterThan(0);
    expect(telegram.calls.filter((c) => c.method === "getUpdates")).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordFake } from "./fakes/discord/server.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import { runHerald } from "./helpers/herald.ts";

const DISCORD_TOKEN = "register-discord-token";
const TELEGRAM_TOKEN = "111222333:AAregisterCommandsTokenForHerald01";

describe("herald register-commands", () => {
  let discord: DiscordFake;
  let telegram: TelegramFake;
  let dir = "";
  let config = "";

  beforeAll(async () => {
    discord = await DiscordFake.start({ botToken: DISCORD_TOKEN });
    telegram = await TelegramFake.start({ token: TELEGRAM_TOKEN });
    dir = mkdtempSync(join(tmpdir(), "herald-register-"));
    config = join(dir, "herald.yaml");
    writeFileSync(
      config,
      [
        `database: { path: ${join(dir, "herald.db")} }`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax
        'discord: { token: ${DISCORD_TOKEN}, applicationId: "1240000000000000999", mode: none }',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax
        "telegram: { token: ${TELEGRAM_BOT_TOKEN}, mode: polling }",
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await Promise.all([discord.close(), telegram.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers /news and /feeds on Discord (per guild) and the en/ko menus on Telegram, reading tokens and API roots from the environment", async () => {
    const env = {
      DISCORD_TOKEN,
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      DISCORD_API_URL: discord.api,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    };
    Object.assign(process.env, env);
    try {
      const result = await runHerald(["register-commands", "--config", config, "--guild", "1250000000000000999"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("discord: /news and /feeds registered in guild 1250000000000000999");
      expect(result.stdout).toContain("telegram: command menus set (en, ko)");
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
    }
    const [set] = discord.commandSets;
    expect(set?.commands.map((c: { name: string }) => c.name).sort()).toEqual(["feeds", "news"]);
    expect((telegram.myCommands as { command: string }[]).map((c) => c.command)).toEqual(["news", "feeds"]);
    // Ask the fake the way a client would: the Korean menu is stored under language_code ko.
    const ko = await fetch(`${telegram.apiRoot}/bot${TELEGRAM_TOKEN}/getMyCommands`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ language_code: "ko" }),
    });
    const { result } = (await ko.json()) as { result: { command: string; description: string }[] };
    expect(result.map((c) => c.command)).toContain("news");
    expect(result.find((c) => c.command === "news")?.description).toMatch(/\p{Script=Hangul}/u);
  });
});

/**
 * What leaves Herald when strangers write the text: a webhook endpoint that
 * echoes its secret path back in its error, and an article title carrying a
 * terminal escape (OSC "set window title") and bidi overrides. Neither may
 * reach the store, the log, `herald status` or the platforms.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../jobs/log.ts";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { type LoopbackServer, readBody, startLoopbackServer } from "./fakes/http.ts";
import { SlackFake } from "./fakes/slack/server.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import { lineSink } from "./helpers/log.ts";
import { projectRoot } from "./helpers/paths.ts";
import { testConfig, waitFor } from "./helpers/pipeline.ts";

const INGEST = "hostile-output-ingest-token";
const DISCORD_TOKEN = "hostile-discord-bot-token";
const SLACK_TOKEN = "xoxb-hostile-output-token";
const TELEGRAM_TOKEN = "123456789:AAHostileOutputTokenForHeraldTests0";
const DISCORD_CHANNEL = "1230000000000000888";
const SLACK_CHANNEL = "C0HOSTILE1";
const TELEGRAM_CHAT = -1009876543210;
const DISCORD_HOOK_TOKEN = "echoedDiscordWebhookToken-0123456789abcdef";
const SLACK_HOOK_SECRET = "echoedSlackHookSecret0123456789";

/** Everything the brief counts as a control character; \n and \t are allowed only where text may have lines. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE_TITLE = "Outage \u001b]0;pwned\u0007 at \u202eexe.png\u202c bank \u2066isolated\u2069 \u200f";

function hostilePost(): string {
  return `---
title: ${JSON.stringify(HOSTILE_TITLE)}
date: 2026-10-02T00:00:00Z
permalink: https://news.example/hostile
---

Body with a \u202eright-to-left override\u202c and an emoji family 👨\u200d👩\u200d👧.
`;
}

describe("secrets echoed by endpoints and control characters in titles", () => {
  const lines: string[] = [];
  let discord: DiscordFake;
  let slack: SlackFake;
  let telegram: TelegramFake;
  let echo: LoopbackServer;
  let service: Service;
  let configPath = "";
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    discord = await DiscordFake.start({ botToken: DISCORD_TOKEN });
    slack = await SlackFake.start({
      botToken: SLACK_TOKEN,
      perChannelPerSecond: 0,
      channels: { [SLACK_CHANNEL]: "hostile" },
    });
    telegram = await TelegramFake.start({ token: TELEGRAM_TOKEN, botUsername: "HeraldBot" });
    // A misbehaving endpoint: 400 for Discord's path, 404 for Slack's, each quoting the path it was called on.
    echo = await startLoopbackServer(async (req, res) => {
      await readBody(req);
      const path = req.url ?? "";
      if (path.startsWith("/api/webhooks/")) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `Cannot ${req.method} ${path}`, code: 0 }));
      } else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end(`no route for ${req.method} ${path}`);
      }
    });
    const raw = {
      ingest: { token: INGEST },
      cards: { enabled: false },
      discord: { token: DISCORD_TOKEN, mode: "none", apiUrl: discord.api },
      slack: { botToken: SLACK_TOKEN, signingSecret: "0".repeat(32), mode: "http", apiUrl: slack.apiUrl },
      telegram: {
        token: TELEGRAM_TOKEN,
        mode: "webhook",
        webhookSecret: "hostile-webhook-secret",
        apiUrl: telegram.apiRoot,
      },
      destinations: [
        {
          id: "echo-discord",
          type: "discord-webhook",
          url: `${echo.baseUrl}/api/webhooks/123456789012345678/${DISCORD_HOOK_TOKEN}`,
        },
        {
          id: "echo-slack",
          type: "slack-webhook",
          url: `${echo.baseUrl}/services/T0HOSTILE/B0HOSTILE/${SLACK_HOOK_SECRET}`,
        },
        { id: "bot-discord", type: "discord", channelId: DISCORD_CHANNEL },
        { id: "bot-slack", type: "slack", channel: SLACK_CHANNEL },
        { id: "bot-telegram", type: "telegram", chatId: String(TELEGRAM_CHAT) },
      ],
      feeds: [
        {
          id: "wire",
          type: "webhook",
          destinations: ["echo-discord", "echo-slack", "bot-discord", "bot-slack", "bot-telegram"],
        },
      ],
    };
    const t = testConfig(raw);
    configPath = join(t.dir, "herald.yaml");
    writeFileSync(
      configPath,
      JSON.stringify({ ...raw, redis: t.config.redis, database: t.config.database, log: { level: "silent" } }),
    );
    const sink = lineSink((line) => lines.push(line));
    service = await startService(t.config, { log: createLogger("debug", sink) });
    cleanup = async () => {
      await service.stop(5000);
      await Promise.all([discord.close(), slack.close(), telegram.close(), echo.close()]);
      await t.cleanup();
    };
    const res = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST}`, "content-type": "text/markdown" },
      body: hostilePost(),
    });
    expect(res.status).toBe(202);
    await waitFor(
      async () => {
        const counts = await service.runtime.store.countByState();
        return counts.delivered === 3 && counts.failed === 2;
      },
      30_000,
      "three deliveries and two failures",
    );
  });
  afterAll(async () => cleanup?.());

  it("keeps an echoed webhook token out of the store, the log and herald status", async () => {
    const failed = (await service.runtime.store.listRecentDeliveries(10)).filter((d) => d.state === "failed");
    expect(failed.map((d) => d.destinationId).sort()).toEqual(["echo-discord", "echo-slack"]);
    // The reasons still say what happened, with the secret part replaced.
    expect(failed.find((d) => d.destinationId === "echo-discord")?.lastError).toContain(
      "/api/webhooks/123456789012345678/[redacted]",
    );
    expect(failed.find((d) => d.destinationId === "echo-slack")?.lastError).toContain(
      "/services/T0HOSTILE/B0HOSTILE/[redacted]",
    );
    const flagged = (await service.runtime.store.getDestination("echo-slack"))?.flaggedReason ?? "";
    expect(flagged).toContain("/services/T0HOSTILE/B0HOSTILE/[redacted]");

    const stored = JSON.stringify([
      await service.runtime.store.listRecentDeliveries(100),
      await service.runtime.store.listDestinations(),
      await service.runtime.store.listFeeds(),
    ]);
    const log = lines.join("\n");
    expect(log).toMatch(/delivery failed permanently/);
    const status = spawnSync(
      process.execPath,
      [join(projectRoot, "bin/herald.mjs"), "status", "--config", configPath],
      { encoding: "utf8", cwd: projectRoot },
    );
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/Destination echo-slack is flagged/);
    for (const secret of [DISCORD_HOOK_TOKEN, SLACK_HOOK_SECRET]) {
      expect(stored).not.toContain(secret);
      expect(log).not.toContain(secret);
      expect(status.stdout).not.toContain(secret);
    }
  });

  it("prints no control or bidi character in herald status when a title carries ESC]0;…BEL and U+202E", () => {
    const status = spawnSync(
      process.execPath,
      [join(projectRoot, "bin/herald.mjs"), "status", "--config", configPath],
      { encoding: "utf8", cwd: projectRoot },
    );
    expect(status.status).toBe(0);
    expect(status.stdout).toContain("Outage ]0;pwned at exe.png bank isolated");
    for (const line of status.stdout.split("\n")) expect(line).not.toMatch(CONTROL);
  });

  it("delivers the title and text without bidi or control characters to Discord, Slack and Telegram, keeping ZWJ emoji", async () => {
    const [d] = await discord.waitForMessages(1, 10_000);
    const [s] = await slack.waitForMessages(1, 10_000);
    const [m] = await telegram.waitForSent(1, 10_000);
    const discordText = JSON.stringify(d?.body);
    const slackText = JSON.stringify([s?.text, s?.blocks]);
    const telegramText = m?.visibleText ?? m?.caption ?? "";
    for (const shown of [discordText, slackText, telegramText]) {
      expect(shown).toContain("exe.png");
      expect(shown).not.toMatch(CONTROL);
    }
    expect(d?.body.embeds[0].title).toBe("Outage ]0;pwned at exe.png bank isolated");
    expect(telegramText).toContain("👨\u200d👩\u200d👧");
  });
});

/**
 * Every command through every platform's real transport, answered by the real
 * command core inside the running service: signed Discord interactions,
 * signed Slack slash commands through Bolt's receiver, Telegram updates
 * through getUpdates long polling.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { SlackFake } from "./fakes/slack/server.ts";
import { signSlackRequest } from "./fakes/slack/sign.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import { textMessageUpdate } from "./fakes/telegram/updates.ts";
import { discordCommandInteraction, ed25519Signer, publicKeyHex } from "./helpers/discord.ts";
import { examplePost } from "./helpers/paths.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";

const DISCORD_TOKEN = "cmd-e2e-discord-token";
const SLACK_TOKEN = "xoxb-herald-cmd-e2e";
const SLACK_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const TELEGRAM_TOKEN = "987654321:AAcommandsEndToEndTokenForHerald0001";
const DISCORD_CHANNEL = "1230000000000000888";
const SLACK_CHANNEL = "C0COMMANDS";
const TELEGRAM_CHAT = -1009876543210;
const TITLE = "하늘클라우드 결제 API 장애";

interface Reply {
  text: string;
  hasCard: boolean;
}

/** One platform's way to type a command and read Herald's answer. */
interface Transport {
  name: "discord" | "slack" | "telegram";
  feedId: string;
  send(command: "news" | "feeds", subcommand: string, options: Record<string, string>, admin: boolean): Promise<Reply>;
}

describe("every command on every platform, end to end", () => {
  let discord: DiscordFake;
  let slack: SlackFake;
  let telegram: TelegramFake;
  let service: Service;
  let articleId = "";
  let cleanup: () => Promise<void>;
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");

  beforeAll(async () => {
    discord = await DiscordFake.start({ botToken: DISCORD_TOKEN });
    slack = await SlackFake.start({
      botToken: SLACK_TOKEN,
      perChannelPerSecond: 0,
      channels: { [SLACK_CHANNEL]: "commands" },
    });
    slack.addUser("U0MEMBER", { locale: "en-US" });
    slack.addUser("U0ADMIN", { isAdmin: true, locale: "en-US" });
    telegram = await TelegramFake.start({ token: TELEGRAM_TOKEN, botUsername: "HeraldBot" });
    telegram.setChatMember(String(TELEGRAM_CHAT), 5001, "member");
    telegram.setChatMember(String(TELEGRAM_CHAT), 5002, "administrator");
    const t = testConfig({
      ingest: { token: "t" },
      discord: { token: DISCORD_TOKEN, mode: "http", publicKey: publicKeyHex(publicKey), apiUrl: discord.api },
      slack: { botToken: SLACK_TOKEN, signingSecret: SLACK_SECRET, mode: "http", apiUrl: slack.apiUrl },
      telegram: { token: TELEGRAM_TOKEN, mode: "polling", apiUrl: telegram.apiRoot },
      destinations: [
        { id: "d", type: "discord", channelId: DISCORD_CHANNEL },
        { id: "s", type: "slack", channel: SLACK_CHANNEL },
        { id: "tg", type: "telegram", chatId: String(TELEGRAM_CHAT) },
      ],
      feeds: [
        { id: "d-only", type: "webhook", baseUrl: "https://news.example.kr", destinations: ["d"] },
        { id: "s-only", type: "webhook", baseUrl: "https://news.example.kr", destinations: ["s"] },
        { id: "t-only", type: "webhook", baseUrl: "https://news.example.kr", destinations: ["tg"] },
      ],
    });
    service = await startService(t.config, { log: silentLog });
    cleanup = async () => {
      await service.stop(5000);
      await Promise.all([discord.close(), slack.close(), telegram.close()]);
      await t.cleanup();
    };
    const post = readFileSync(examplePost, "utf8");
    for (const feed of ["d-only", "s-only", "t-only"]) {
      await fetch(`http://127.0.0.1:${service.port}/ingest/${feed}`, {
        method: "POST",
        headers: { authorization: "Bearer t", "content-type": "text/markdown" },
        body: post,
      });
    }
    await waitFor(
      async () => (await service.runtime.store.countByState()).delivered === 3,
      30_000,
      "the example article delivered everywhere",
    );
    articleId = (await service.runtime.store.listRecentDeliveries(1))[0]?.articleId ?? "";
  });
  afterAll(async () => cleanup?.());

  const base = () => `http://127.0.0.1:${service.port}`;

  const discordTransport: Transport = {
    name: "discord",
    feedId: "d-only",
    async send(command, subcommand, options, admin) {
      const interaction = discordCommandInteraction({
        command,
        subcommand,
        options,
        channelId: DISCORD_CHANNEL,
        permissions: admin ? "32" : "2048",
      });
      const answer = await discord.sendInteraction(
        `${base()}/discord/interactions`,
        interaction,
        ed25519Signer(privateKey),
      );
      expect(answer.status).toBe(200);
      const edit = await waitFor(
        () => discord.interactionResponses.find((r) => r.kind === "edit-original" && r.token === interaction.token),
        15_000,
      );
      return { text: JSON.stringify(edit.body), hasCard: edit.files.some((f) => f.contentType === "image/png") };
    },
  };

  let slackCalls = 0;
  const slackTransport: Transport = {
    name: "slack",
    feedId: "s-only",
    async send(command, subcommand, options, admin) {
      const responseUrl = slack.responseUrl(`cmd-${++slackCalls}`);
      const before = slack.commandResponses.length;
      const body = new URLSearchParams({
        team_id: "T000",
        channel_id: SLACK_CHANNEL,
        user_id: admin ? "U0ADMIN" : "U0MEMBER",
        command: `/${command}`,
        text: [subcommand, ...Object.values(options)].join(" "),
        response_url: responseUrl,
        trigger_id: "1.2.3",
      }).toString();
      const res = await fetch(`${base()}/slack/events`, {
        method: "POST",
        headers: { ...signSlackRequest(SLACK_SECRET, body), "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      expect(res.status).toBe(200);
      const response = await waitFor(() => slack.commandResponses[before], 15_000, "the response_url answer");
      const text = JSON.stringify([response.text, response.blocks]);
      return { text, hasCard: text.includes("slack_file") };
    },
  };

  const telegramTransport: Transport = {
    name: "telegram",
    feedId: "t-only",
    async send(command, subcommand, options, admin) {
      const before = telegram.sent.length;
      const text = `/${command}@HeraldBot ${[subcommand, ...Object.values(options)].join(" ")}`.trim();
      telegram.pushUpdate(textMessageUpdate({ chatId: TELEGRAM_CHAT, text, userId: admin ? 5002 : 5001 }));
      // A reply is whole once its last part is a text message or carries the article's link button:
      // a card photo without the button has a caption cut short, and the full text follows it.
      const all = await waitFor(
        () => {
          const fresh = telegram.sent.slice(before).filter((m) => m.chatId === String(TELEGRAM_CHAT));
          const last = fresh.at(-1);
          return last && (last.method === "sendMessage" || last.replyMarkup) ? fresh : null;
        },
        15_000,
        "the bot's whole reply",
      );
      return {
        text: all.map((m) => m.text ?? m.caption ?? "").join("\n") || JSON.stringify(all),
        hasCard: all.some((m) => m.method === "sendPhoto"),
      };
    },
  };

  describe.each([discordTransport, slackTransport, telegramTransport])("$name", (transport) => {
    const feeds = async () => (await service.runtime.store.listFeeds()).map((f) => f.id).sort();

    it("/news latest count:3 lists the newest article", async () => {
      expect((await transport.send("news", "latest", { count: "3" }, false)).text).toContain(TITLE);
    });

    it("/news search query:장애 finds the outage article", async () => {
      expect((await transport.send("news", "search", { query: "장애" }, false)).text).toContain(TITLE);
    });

    it("/news search with an empty or oversized query explains what to do", async () => {
      expect((await transport.send("news", "search", {}, false)).text).toMatch(
        /Type something to search for|검색할 내용을 입력해 주세요/,
      );
      expect((await transport.send("news", "search", { query: "가".repeat(201) }, false)).text).toMatch(/201/);
    });

    it("/news show article:<id> answers with the full post and its card", async () => {
      const reply = await transport.send("news", "show", { article: articleId }, false);
      expect(reply.text).toContain(TITLE);
      expect(reply.hasCard).toBe(true);
    });

    it("/feeds add from a member is refused and stores nothing", async () => {
      const before = await feeds();
      const reply = await transport.send("feeds", "add", { url: "https://example.org/feed.xml" }, false);
      expect(reply.text).toMatch(/Only server admins can manage feeds|피드 관리는 관리자만 할 수 있습니다/);
      expect(await feeds()).toEqual(before);
    });

    it("/feeds add from an admin refuses a loopback URL (SSRF) and stores nothing", async () => {
      const before = await feeds();
      const reply = await transport.send("feeds", "add", { url: "http://127.0.0.1:9/feed.xml" }, true);
      expect(reply.text).toMatch(/won't fetch|가져오지 않|127\.0\.0\.1/);
      expect(await feeds()).toEqual(before);
    });

    it("/feeds list, pause, resume and remove act on this channel's feed only", async () => {
      expect((await transport.send("feeds", "list", {}, true)).text).toContain(transport.feedId);
      await transport.send("feeds", "pause", { id: transport.feedId }, true);
      expect((await service.runtime.store.getFeed(transport.feedId))?.paused).toBe(true);
      await transport.send("feeds", "resume", { id: transport.feedId }, true);
      expect((await service.runtime.store.getFeed(transport.feedId))?.paused).toBe(false);
      const other = transport.feedId === "d-only" ? "s-only" : "d-only";
      await transport.send("feeds", "pause", { id: other }, true);
      expect((await service.runtime.store.getFeed(other))?.paused).toBe(false);
      const removal = await transport.send("feeds", "remove", { id: transport.feedId }, true);
      expect(removal.text).toMatch(/config file|설정 파일/);
      expect(await feeds()).toContain(transport.feedId);
    });
  });
});

/**
 * The whole bot, end to end: the service with its Discord, Slack and Telegram
 * sections pointed at the strict fakes, delivering through the queue and
 * answering commands through the real command core.
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
import { waitForServiceDrained } from "./helpers/drained.ts";
import { examplePost } from "./helpers/paths.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const DISCORD_TOKEN = "e2e-discord-bot-token";
const SLACK_TOKEN = "xoxb-herald-e2e-token";
const SLACK_SECRET = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d";
const TELEGRAM_TOKEN = "123456789:AAE2eTestTokenForHeraldBotE2eTests00";
const DISCORD_CHANNEL = "1230000000000000777";
const SLACK_CHANNEL = "C0NEWSROOM";
const SLACK_BURST_CHANNEL = "C0BURSTING";
const TELEGRAM_CHAT = -1001234567890;
const INGEST = "e2e-ingest-token";

describe("Herald as a bot on Discord, Slack and Telegram (fakes), end to end", () => {
  let discord: DiscordFake;
  let slack: SlackFake;
  let telegram: TelegramFake;
  let service: Service;
  let cleanup: () => Promise<void>;
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");

  beforeAll(async () => {
    discord = await DiscordFake.start({ botToken: DISCORD_TOKEN });
    slack = await SlackFake.start({
      botToken: SLACK_TOKEN,
      perChannelPerSecond: 1,
      burst: 2,
      channels: { [SLACK_CHANNEL]: "newsroom", [SLACK_BURST_CHANNEL]: "burst" },
    });
    slack.addUser("U0READER");
    telegram = await TelegramFake.start({ token: TELEGRAM_TOKEN, botUsername: "HeraldBot" });
    const t = testConfig({
      ingest: { token: INGEST },
      discord: { token: DISCORD_TOKEN, mode: "http", publicKey: publicKeyHex(publicKey), apiUrl: discord.api },
      slack: { botToken: SLACK_TOKEN, signingSecret: SLACK_SECRET, mode: "http", apiUrl: slack.apiUrl },
      telegram: { token: TELEGRAM_TOKEN, mode: "polling", apiUrl: telegram.apiRoot },
      destinations: [
        { id: "news-discord", type: "discord", channelId: DISCORD_CHANNEL },
        { id: "news-slack", type: "slack", channel: SLACK_CHANNEL },
        { id: "news-telegram", type: "telegram", chatId: String(TELEGRAM_CHAT) },
        { id: "burst-slack", type: "slack", channel: SLACK_BURST_CHANNEL },
      ],
      feeds: [
        {
          id: "desk",
          type: "webhook",
          baseUrl: "https://news.example.kr",
          destinations: ["news-discord", "news-slack", "news-telegram"],
        },
        { id: "burst", type: "webhook", destinations: ["burst-slack"] },
      ],
    });
    service = await startService(t.config, { log: silentLog });
    cleanup = async () => {
      await service.stop(5000);
      await Promise.all([discord.close(), slack.close(), telegram.close()]);
      await t.cleanup();
    };
    const res = await ingest("desk", readFileSync(examplePost, "utf8"));
    expect(res.status).toBe(202);
  });
  afterAll(async () => cleanup?.());

  const ingest = (feed: string, body: string) =>
    fetch(`http://127.0.0.1:${service.port}/ingest/${feed}`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST}`, "content-type": "text/markdown" },
      body,
    });

  it("posts the article with its card to the Discord channel, the Slack channel and the Telegram chat", async () => {
    const [d] = await discord.waitForMessages(1, 30_000);
    expect(d?.channelId).toBe(DISCORD_CHANNEL);
    expect(d?.body.embeds[0].image.url).toBe("attachment://timeline.png");
    expect(d?.files[0]?.bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(d?.body.allowed_mentions).toEqual({ parse: [] });

    const [s] = await slack.waitForMessages(1, 30_000);
    expect(s?.channel).toBe(SLACK_CHANNEL);
    expect(s?.blocks.some((b: { type: string; slack_file?: unknown }) => b.type === "image" && b.slack_file)).toBe(
      true,
    );
    expect(slack.uploads[0]?.bytes.subarray(1, 4).toString()).toBe("PNG");

    const [photo] = await telegram.waitForSent(1, 30_000);
    expect(photo?.method).toBe("sendPhoto");
    expect(photo?.chatId).toBe(String(TELEGRAM_CHAT));
    expect(photo?.caption).toContain("하늘클라우드");

    const delivered = await waitFor(async () => {
      const rows = (await service.runtime.store.listRecentDeliveries(10)).filter((r) => r.state === "delivered");
      return rows.length === 3 ? rows : null;
    });
    expect(delivered.find((r) => r.destinationId === "news-discord")?.platformMessageId).toBe(d?.id);
  });

  it("answers a signed Discord /news search 장애 through the service's interactions endpoint", async () => {
    await waitFor(async () => (await service.runtime.store.countByState()).delivered >= 3, 30_000);
    const interaction = discordCommandInteraction({
      command: "news",
      subcommand: "search",
      options: { query: "장애" },
      channelId: DISCORD_CHANNEL,
      permissions: "2048",
      locale: "ko",
    });
    const answer = await discord.sendInteraction(
      `http://127.0.0.1:${service.port}/discord/interactions`,
      interaction,
      ed25519Signer(privateKey),
    );
    expect(answer.status).toBe(200);
    const edit = await waitFor(
      () => discord.interactionResponses.find((r) => r.kind === "edit-original" && r.token === interaction.token),
      15_000,
    );
    expect(JSON.stringify(edit.body)).toContain("하늘클라우드 결제 API 장애");
  });

  it("refuses /feeds add to a Discord member without Manage Server, storing nothing", async () => {
    const before = (await service.runtime.store.listFeeds()).length;
    const interaction = discordCommandInteraction({
      command: "feeds",
      subcommand: "add",
      options: { url: "https://example.org/feed.xml" },
      channelId: DISCORD_CHANNEL,
      permissions: "2048",
      locale: "ko",
    });
    await discord.sendInteraction(
      `http://127.0.0.1:${service.port}/discord/interactions`,
      interaction,
      ed25519Signer(privateKey),
    );
    const edit = await waitFor(
      () => discord.interactionResponses.find((r) => r.kind === "edit-original" && r.token === interaction.token),
      15_000,
    );
    expect(JSON.stringify(edit.body)).toMatch(/관리자만|admins/);
    expect(await service.runtime.store.listFeeds()).toHaveLength(before);
  });

  it("rejects a Discord interaction with a bad signature", async () => {
    const interaction = discordCommandInteraction({
      command: "news",
      subcommand: "latest",
      channelId: DISCORD_CHANNEL,
      permissions: "2048",
    });
    const forged = () => ({
      "x-signature-ed25519": "00".repeat(64),
      "x-signature-timestamp": String(Math.floor(Date.now() / 1000)),
    });
    const answer = await discord.sendInteraction(
      `http://127.0.0.1:${service.port}/discord/interactions`,
      interaction,
      forged,
    );
    expect(answer.status).toBe(401);
  });

  it("answers a signed Slack /news search 장애 at its response_url", async () => {
    const responseUrl = slack.responseUrl("search");
    const body = new URLSearchParams({
      team_id: "T000",
      channel_id: SLACK_CHANNEL,
      user_id: "U0READER",
      command: "/news",
      text: "search 장애",
      response_url: responseUrl,
      trigger_id: "1.2.3",
    }).toString();
    const res = await fetch(`http://127.0.0.1:${service.port}/slack/events`, {
      method: "POST",
      headers: { ...signSlackRequest(SLACK_SECRET, body), "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(res.status).toBe(200);
    const [response] = await slack.waitForCommandResponses(1, 15_000);
    expect(response?.responseType).toBe("ephemeral");
    expect(JSON.stringify(response?.blocks ?? response?.text)).toContain("하늘클라우드 결제 API 장애");
  });

  it("answers /news@HeraldBot search 장애 typed in the Telegram group (long polling)", async () => {
    const before = telegram.sent.length;
    telegram.pushUpdate(
      textMessageUpdate({ chatId: TELEGRAM_CHAT, text: "/news@HeraldBot search 장애", userId: 4242 }),
    );
    const reply = await waitFor(() => telegram.sent.slice(before).find((m) => m.method === "sendMessage"), 15_000);
    expect(reply.text).toContain("하늘클라우드 결제 API 장애");
  });

  it("edits the posted messages on every platform when the article is corrected, and says so in each thread", async () => {
    await waitFor(async () => (await service.runtime.store.countByState()).delivered >= 3, 30_000);
    const corrected = readFileSync(examplePost, "utf8").replace(
      "약 3시간 동안 중단됐다",
      "약 3시간 10분 동안 중단됐다(정정)",
    );
    expect((await ingest("desk", corrected)).status).toBe(202);
    await waitFor(() => discord.messages[0]?.editedAt, 30_000, "Discord edit");
    expect(discord.messages.filter((m) => m.channelId === DISCORD_CHANNEL)).toHaveLength(1);
    expect(discord.messages[0]?.body.embeds[0].description).toContain("(정정)");
    await waitFor(() => telegram.calls.some((c) => c.method.startsWith("editMessage")), 30_000, "Telegram edit");
    expect(telegram.sent.filter((m) => m.method === "sendPhoto")).toHaveLength(1);
    await waitFor(() => slack.calls.some((c) => c.method === "chat.update"), 30_000, "Slack edit");
    const slackTop = slack.messages.filter((m) => m.channel === SLACK_CHANNEL && !m.threadTs);
    expect(slackTop).toHaveLength(1);
    // Story mode (the default): the correction is also one line in the thread under each post.
    const slackReply = await waitFor(() => slack.messages.find((m) => m.threadTs), 30_000, "Slack thread reply");
    expect(slackReply.threadTs).toBe(slackTop[0]?.ts);
    expect(slackReply.text).toContain("본문 수정");
    const discordReply = await waitFor(
      () => discord.messages.find((m) => m.channelId !== DISCORD_CHANNEL),
      30_000,
      "Discord thread reply",
    );
    expect(JSON.stringify(discordReply.body)).toContain("본문 수정");
    await waitFor(
      () => telegram.sent.find((m) => m.method === "sendMessage" && m.visibleText?.includes("본문 수정")),
      30_000,
      "Telegram reply",
    );
  });

  it("drains a burst to one Slack channel at the channel's pace: every post arrives, none refused", async () => {
    for (let n = 1; n <= 5; n++) expect((await ingest("burst", plainPost(100 + n))).status).toBe(202);
    await waitFor(
      () => slack.messages.filter((m) => m.channel === SLACK_BURST_CHANNEL).length === 5,
      30_000,
      "five posts",
    );
    expect(slack.rateLimitedByChannel.get(SLACK_BURST_CHANNEL) ?? 0).toBe(0);
    await waitForServiceDrained(service, { fakes: [discord, slack, telegram] });
    expect(slack.messages.filter((m) => m.channel === SLACK_BURST_CHANNEL)).toHaveLength(5);
  });
});

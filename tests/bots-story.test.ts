/**
 * The bots' poster factory (jobs/bots.ts) hands the pipeline each platform's story calls: reply,
 * crosspost and delete where the platform's poster has them, and a Telegram destination's forum topic.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBots } from "../jobs/bots.ts";
import { buildMessage } from "../src/message/build.ts";
import { openStore, type Store } from "../src/store/index.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import { koreanOutageArticle } from "./fixtures/format/articles.ts";
import { silentLog, testConfig } from "./helpers/pipeline.ts";
import { storyUpdate } from "./helpers/story.ts";

const DISCORD_TOKEN = "bots-story-token.secret";
const DISCORD_CHANNEL = "1230000000000000777";
const GROUP = "-1001234567890";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bots(discord: DiscordFake, telegram: TelegramFake) {
  const t = testConfig({
    discord: { token: DISCORD_TOKEN, mode: "none", apiUrl: discord.api },
    telegram: { token: telegram.token, apiUrl: telegram.apiRoot },
    destinations: [
      { id: "news-discord", type: "discord", channelId: DISCORD_CHANNEL },
      { id: "news-topic", type: "telegram", chatId: GROUP, topicId: 42 },
    ],
  });
  const store: Store = await openStore({ path: t.config.database.path });
  cleanups.push(t.cleanup, () => store.close());
  return { created: await createBots(t.config, store, silentLog), config: t.config };
}

describe("bot posters for story mode", () => {
  it("forward reply, crosspost and delete, and post a Telegram destination into its topic", async () => {
    const discord = await DiscordFake.start({ botToken: DISCORD_TOKEN });
    const telegram = await TelegramFake.start();
    cleanups.push(
      () => discord.close(),
      () => telegram.close(),
    );
    telegram.addForumTopic(GROUP, 42);
    const { created, config } = await bots(discord, telegram);
    const [discordDestination, topicDestination] = config.destinations;
    const discordPoster = await created.poster("news-discord", discordDestination);
    const topicPoster = await created.poster("news-topic", topicDestination);
    expect(typeof discordPoster?.reply).toBe("function");
    expect(typeof discordPoster?.crosspost).toBe("function");
    expect(typeof topicPoster?.reply).toBe("function");
    expect(topicPoster?.crosspost).toBeUndefined();
    // Topics of one forum share their chat's send limit.
    expect(topicPoster?.paces?.[0]?.key).toMatch(new RegExp(`:chat:${GROUP}$`));

    const message = buildMessage(koreanOutageArticle());
    const posted = await topicPoster?.post(message, null, { idempotencyKey: "k1" });
    await topicPoster?.reply?.(posted?.id as string, storyUpdate("복구"), { idempotencyKey: "k2" });
    expect(telegram.sent.map((s) => [s.threadId, s.replyTo])).toEqual([
      [42, undefined],
      [42, Number(posted?.id)],
    ]);
    await topicPoster?.delete?.(posted?.id as string);
    expect(telegram.messagesIn(GROUP).map((m) => m.messageId)).toEqual([Number(posted?.id) + 1]);
  });
});

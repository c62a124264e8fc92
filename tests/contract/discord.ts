/**
 * The Discord bot adapter for the shared adapter contract suite: the real adapter
 * (posting-only mode) talking to the strict Discord fake.
 *
 * 429s: @discordjs/rest waits out the Retry-After and resends by itself, so a
 * post after `failNextWith429` resolves normally and arrives once. Only a wait
 * longer than the adapter's `maxRateLimitWaitMs` (30 s by default) would throw
 * RateLimitError for the caller to retry.
 */
import { createDiscordAdapter } from "../../adapters/discord/index.ts";
import { DiscordFake, fakeSnowflake } from "../fakes/discord/server.ts";
import type { RecordedMessage } from "../fakes/discord/types.ts";
import type { HarnessFactory } from "./harness.ts";

const TOKEN = "contract-discord-bot-token.do-not-leak";

export const createDiscordHarness: HarnessFactory = async () => {
  const fake = await DiscordFake.start({ botToken: TOKEN });
  const adapter = createDiscordAdapter({ token: TOKEN, mode: "none", apiUrl: fake.api });
  const channelId = fakeSnowflake();
  const forbiddenChannelId = fakeSnowflake();
  const missingChannelId = fakeSnowflake();
  fake.denyChannel(forbiddenChannelId, 50013);
  fake.denyChannel(missingChannelId, 10003);
  return {
    adapter,
    channelId,
    forbiddenChannelId,
    missingChannelId,
    received: () =>
      fake.messages
        .filter((message) => message.channelId === channelId)
        .map((message) => ({
          id: message.id,
          text: visibleText(message),
          hasCard: hasCard(message),
          deleted: message.deletedAt !== undefined,
        })),
    failNextWith429: (retryAfterSeconds) => fake.failNext(1, 429, { retryAfter: retryAfterSeconds }),
    shownCard: (postId) => {
      const message = fake.messages.find((candidate) => candidate.id === postId);
      return message ? cardShown(message) : null;
    },
    // A thread started from a message has the message's id; its messages are posted to that channel.
    threadReplies: (postId) =>
      fake.threads.some((thread) => thread.id === postId && thread.parentId === channelId)
        ? fake.messages.filter((message) => message.channelId === postId).map((m) => ({ text: visibleText(m) }))
        : [],
    memberMessage: (text) => fake.postAsMember(channelId, text),
    missingMessageId: fakeSnowflake(),
    retractionKeepsPhoto: false,
    close: async () => {
      await adapter.stop();
      await fake.close();
    },
  };
};

interface EmbedLike {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
  author?: { name: string };
  image?: { url: string };
}

/** What a member reads: content, then each embed's author line, title, description, fields and footer. */
function visibleText(message: RecordedMessage): string {
  const parts: string[] = [];
  if (typeof message.body.content === "string") parts.push(message.body.content);
  for (const embed of (message.body.embeds ?? []) as EmbedLike[]) {
    parts.push(embed.author?.name ?? "", embed.title ?? "", embed.description ?? "");
    for (const field of embed.fields ?? []) parts.push(field.name, field.value);
    if (embed.footer) parts.push(embed.footer.text);
  }
  return parts.filter((part) => part !== "").join("\n");
}

/** A PNG was uploaded and an embed shows it. */
function hasCard(message: RecordedMessage): boolean {
  return cardShown(message) !== null;
}

/** The bytes of the uploaded PNG an embed shows through attachment://, or null. */
function cardShown(message: RecordedMessage): Buffer | null {
  for (const embed of (message.body.embeds ?? []) as EmbedLike[]) {
    const name = embed.image?.url.startsWith("attachment://") ? embed.image.url.slice("attachment://".length) : null;
    const file = message.files.find((candidate) => candidate.name === name && candidate.contentType === "image/png");
    if (file) return file.bytes;
  }
  return null;
}

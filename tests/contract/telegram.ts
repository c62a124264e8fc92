/**
 * The Telegram adapter for the shared adapter contract suite: the real adapter (posting only,
 * never started) talking to the strict Telegram Bot API fake, in the channel "@herald_test".
 *
 * 429s: grammY's auto-retry waits out a `retry_after` of up to 5 s (the adapter's default
 * `maxDelaySeconds`) and resends, so a post after `failNextWith429(1)` resolves normally and
 * arrives once. A longer wait throws RateLimitError(retry_after × 1000) for the caller to retry.
 *
 * A Telegram post can be two messages (card photo + follow-up text, id "12,13"); `received()`
 * shows each post the adapter made as one entry with that id, its texts joined.
 */
import { createTelegramAdapter } from "../../adapters/telegram/index.ts";
import type { ChatAdapter } from "../../src/adapter.ts";
import { TelegramFake } from "../fakes/telegram/server.ts";
import type { TelegramSent } from "../fakes/telegram/types.ts";
import { type HarnessFactory, recordingPoster } from "./harness.ts";

const CHANNEL = "@herald_test";
const FORBIDDEN = "-1001000000001";
const MISSING = "-1009";

interface MessageState {
  messageId: number;
  text: string;
  hasCard: boolean;
  deleted: boolean;
}

export const createTelegramHarness: HarnessFactory = async () => {
  const fake = await TelegramFake.start();
  fake.setChatError(FORBIDDEN, "kicked");
  fake.setChatError(MISSING, "chat_not_found");
  const inner = createTelegramAdapter({ token: fake.token, apiUrl: fake.apiRoot, registerCommands: false });
  const posts: string[] = [];
  const adapter: ChatAdapter = {
    platform: inner.platform,
    poster: (channelId) =>
      recordingPoster(inner.poster(channelId), (posted) => {
        if (channelId === CHANNEL && posted.id) posts.push(posted.id);
      }),
    edit: (...args) => inner.edit(...args),
    delete: (...args) => inner.delete(...args),
    start: (handler) => inner.start(handler),
    stop: () => inner.stop(),
    httpRoutes: () => inner.httpRoutes(),
  };
  return {
    adapter,
    channelId: CHANNEL,
    forbiddenChannelId: FORBIDDEN,
    missingChannelId: MISSING,
    // Replies to a post are its thread, not posts of their own.
    received: () => {
      const replies = new Set(fake.sent.filter((s) => s.replyTo !== undefined).map((s) => s.messageId));
      const own = fake.sent.filter((s) => s.chatId === CHANNEL && !replies.has(s.messageId));
      return groupIntoPosts(messagesOf(own), posts);
    },
    failNextWith429: (retryAfterSeconds) => fake.failNext(1, 429, { retryAfter: retryAfterSeconds }),
    shownCard: (postId) => {
      const first = Number(postId.split(",")[0]);
      const photos = fake.sent.filter((s) => s.chatId === CHANNEL && s.messageId === first && s.photo);
      return photos.at(-1)?.photo?.bytes ?? null;
    },
    threadReplies: (postId) => {
      const first = Number(postId.split(",")[0]);
      const replies = fake.sent.filter((s) => s.chatId === CHANNEL && s.replyTo === first);
      return replies.map((reply) => ({ text: reply.visibleText ?? "" }));
    },
    memberMessage: (text) => String(fake.postAsMember(CHANNEL, text)),
    missingMessageId: "999999",
    retractionKeepsPhoto: true,
    close: async () => {
      await inner.stop();
      await fake.close();
    },
  };
};

/** Each message's latest text (edits applied), whether it is a photo, and whether it was deleted. */
function messagesOf(sent: TelegramSent[]): MessageState[] {
  const byId = new Map<number, MessageState>();
  for (const record of sent) {
    const state = byId.get(record.messageId) ?? {
      messageId: record.messageId,
      text: "",
      hasCard: false,
      deleted: false,
    };
    if (record.method === "deleteMessage") state.deleted = true;
    else if (record.visibleText !== undefined) state.text = record.visibleText;
    if (record.method === "sendPhoto" && record.photo) state.hasCard = true;
    byId.set(record.messageId, state);
  }
  return [...byId.values()].sort((a, b) => a.messageId - b.messageId);
}

function groupIntoPosts(messages: MessageState[], posts: string[]) {
  const postOf = new Map<number, string>();
  for (const id of posts) for (const part of id.split(",")) postOf.set(Number(part), id);
  const grouped = new Map<string, MessageState[]>();
  for (const message of messages) {
    const key = postOf.get(message.messageId) ?? String(message.messageId);
    grouped.set(key, [...(grouped.get(key) ?? []), message]);
  }
  return [...grouped].map(([id, parts]) => ({
    id,
    text: parts
      .map((part) => part.text)
      .filter((text) => text !== "")
      .join("\n\n"),
    hasCard: parts.some((part) => part.hasCard),
    deleted: parts.every((part) => part.deleted),
  }));
}

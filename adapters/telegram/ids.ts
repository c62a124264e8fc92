import { ValidationError } from "../../src/errors.ts";

/**
 * "@channelusername" (5–32 characters, as Telegram allows) or a numeric id (negative for groups),
 * optionally followed by "/<topic id>" for one topic of a forum supergroup (see {@link topicOf}).
 */
const CHAT_ID = /^(?:@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{1,16})(?:\/(\d{1,10}))?$/;

/**
 * A chat id as the Bot API takes it: the "@username" string, or the number (a "/<topic>" suffix
 * is not part of it). Throws ValidationError naming the value when it is neither.
 *
 * @example toChatId("-1001234567890") // -1001234567890
 * @example toChatId("-1001234567890/42") // -1001234567890
 */
export function toChatId(chatId: string): string | number {
  const value = chatId.trim();
  if (!CHAT_ID.test(value)) {
    throw new ValidationError(
      "telegram",
      `chat id ${JSON.stringify(chatId.slice(0, 64))} is not @channelname or a numeric chat id (optionally /topic id)`,
    );
  }
  const chat = chatPart(value);
  return chat.startsWith("@") ? chat : Number(chat);
}

/**
 * The forum topic a channel names ("-1001234567890/42" → 42), for `message_thread_id`; null for a
 * whole chat. A destination's `topicId` becomes this suffix (config.ts), so every send, reply and
 * pace of that destination knows its topic without another lookup.
 */
export function topicOf(chatId: string): number | null {
  const topic = CHAT_ID.exec(chatId.trim())?.[1];
  return topic === undefined ? null : Number(topic);
}

/** The chat part of a channel, as pace keys and logs name it ("-1001234567890/42" → "-1001234567890"). */
export function chatPart(chatId: string): string {
  return chatId.trim().replace(/\/\d+$/, "");
}

/** The ids Herald stores for a post ("12" or "12,13") back as numbers; ValidationError when malformed. */
export function parseMessageIds(messageId: string): number[] {
  const parts = messageId.split(",").map((part) => part.trim());
  if (parts.length === 0 || parts.length > 10 || !parts.every((part) => /^\d{1,12}$/.test(part))) {
    throw new ValidationError(
      "telegram",
      `message id ${JSON.stringify(messageId.slice(0, 64))} is not a Telegram message id list ("12" or "12,13")`,
    );
  }
  return parts.map(Number);
}

/** The PostedMessage id for the messages of one post. */
export function joinMessageIds(ids: readonly number[]): string {
  return ids.join(",");
}

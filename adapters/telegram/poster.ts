/**
 * Posting a news message to a Telegram chat: the calls `formatTelegram`
 * plans, made in order, with the card uploaded where a call says
 * `attach://<filename>`.
 */
import { InputFile } from "grammy";
import type { ReplyParameters } from "grammy/types";
import type { CardFile, PostedMessage, Poster, PostOptions } from "../../src/adapter.ts";
import { uploadedCard } from "../../src/message/card-placement.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { joinMessageIds, toChatId } from "./chat-id.ts";
import { telegramError } from "./errors.ts";
import { formatTelegram, type TelegramCall } from "./format.ts";
import { TELEGRAM_GLOBAL_PER_SECOND, telegramChatPace } from "./pace.ts";
import type { TelegramClient } from "./types.ts";

export interface SendNewsOptions {
  signal?: AbortSignal;
  /** Makes the first message a reply to this one (command answers). */
  replyTo?: number;
}

/**
 * Sends a news message: a photo with the card and its caption, then a
 * follow-up text when the caption could not hold it all; or one text message.
 * The card is shown exactly when there is a PNG to upload: a message whose
 * card was never rendered goes out as text, with the timeline listed.
 * Returns the message ids in order. If a later call fails, the messages
 * already sent are deleted (best effort) before the error is thrown, so a
 * retry of the delivery does not leave a duplicate photo behind.
 *
 * Telegram has no idempotency key: a retry after a lost answer can post twice.
 */
export async function sendTelegramNews(
  client: TelegramClient,
  chatId: string,
  message: NewsMessage,
  card: CardFile | null,
  options: SendNewsOptions = {},
): Promise<number[]> {
  const target = toChatId(chatId);
  const calls = formatTelegram(message, target, uploadedCard(card));
  const ids: number[] = [];
  for (const [index, call] of calls.entries()) {
    const reply: ReplyParameters | undefined =
      index === 0 && options.replyTo !== undefined
        ? { message_id: options.replyTo, allow_sending_without_reply: true }
        : undefined;
    try {
      ids.push(await perform(client, call, card, reply, options.signal));
    } catch (error) {
      await rollBack(client, target, ids);
      throw telegramError(error, client.token, `${call.method} to ${chatId}`);
    }
  }
  return ids;
}

type GrammySignal = Parameters<TelegramClient["api"]["raw"]["sendMessage"]>[1];

async function perform(
  client: TelegramClient,
  call: TelegramCall,
  card: CardFile | null,
  reply: ReplyParameters | undefined,
  signal: AbortSignal | undefined,
): Promise<number> {
  const extra = reply ? { reply_parameters: reply } : {};
  // grammY types its signal with the abort-controller polyfill; the runtime takes Node's.
  const abort = signal as GrammySignal;
  if (call.method === "sendMessage") {
    const sent = await client.api.raw.sendMessage({ ...call.params, ...extra }, abort);
    return sent.message_id;
  }
  // The formatter plans a photo only for an uploaded card, and a caption edit only for a kept one.
  if (call.method !== "sendPhoto" || !card) throw new Error(`a new post cannot make a ${call.method} call without a card to upload`);
  const photo = new InputFile(card.png, card.filename);
  const sent = await client.api.raw.sendPhoto({ ...call.params, ...extra, photo }, abort);
  return sent.message_id;
}

async function rollBack(client: TelegramClient, chatId: string | number, ids: number[]): Promise<void> {
  for (const id of ids) {
    try {
      await client.api.raw.deleteMessage({ chat_id: chatId, message_id: id });
    } catch (error) {
      const reason = telegramError(error, client.token, `deleteMessage ${id} in ${chatId}`).message;
      client.log.warn({ chatId, messageId: id, reason }, "telegram: could not remove a partly sent post");
    }
  }
}

/** A {@link Poster} for one chat: "@channelname", a group (-…, -100…) or a private chat id. */
export class TelegramPoster implements Poster {
  readonly platform = "telegram" as const;
  /**
   * Telegram's limits for the delivery queue to space jobs by: this chat's
   * pace, and the bot's 30 messages a second overall. Keys carry the bot's
   * public numeric id so two bots do not share slots. Paced per message: a
   * photo + follow-up post is two, which auto-retry absorbs when it collides.
   */
  readonly paces: readonly { key: string; minIntervalMs: number }[];

  constructor(
    private readonly client: TelegramClient,
    readonly chatId: string,
  ) {
    toChatId(chatId);
    const botId = client.token.split(":")[0];
    this.paces = [
      { key: `telegram:${botId}:chat:${chatId.trim()}`, minIntervalMs: telegramChatPace(chatId).minIntervalMs },
      { key: `telegram:${botId}:all`, minIntervalMs: Math.ceil(1000 / TELEGRAM_GLOBAL_PER_SECOND) },
    ];
  }

  /** Posts the message; the id is the Telegram message ids joined by ",". */
  async post(message: NewsMessage, card: CardFile | null, options: PostOptions): Promise<PostedMessage> {
    const ids = await sendTelegramNews(this.client, this.chatId, message, card, { signal: options.signal });
    return { id: ids.length > 0 ? joinMessageIds(ids) : null };
  }
}

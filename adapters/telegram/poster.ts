/**
 * Posting a news message to a Telegram chat: the calls `formatTelegram`
 * plans, made in order, with the card uploaded where a call says
 * `attach://<filename>`.
 * Editing and deleting a post come after posting, below.
 */
import { InputFile } from "grammy";
import type { InlineKeyboardMarkup, ReplyParameters } from "grammy/types";
import type { CardFile, PostedMessage, Poster, PostOptions } from "../../src/adapter.ts";
import { KEPT_CARD, NO_CARD, uploadedCard } from "../../src/message/card-placement.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { isMessageGone, isNotModified, isWrongMessageKind, toTelegramError } from "./errors.ts";
import { type EditCaptionParams, formatTelegram, type SendMessageParams, type TelegramCall } from "./format.ts";
import { joinMessageIds, parseMessageIds, toChatId } from "./ids.ts";
import { TELEGRAM_GLOBAL_PER_SECOND, telegramChatPace } from "./pace.ts";
import type { TelegramClient } from "./types.ts";

export interface SendNewsOptions {
  signal?: AbortSignal | undefined;
  /** Makes the first message a reply to this one (command answers). */
  replyTo?: number | undefined;
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
      throw toTelegramError(error, client.token, `${call.method} to ${chatId}`);
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
  if (call.method !== "sendPhoto" || !card)
    throw new Error(`a new post cannot make a ${call.method} call without a card to upload`);
  const photo = new InputFile(card.png, card.filename);
  const sent = await client.api.raw.sendPhoto({ ...call.params, ...extra, photo }, abort);
  return sent.message_id;
}

async function rollBack(client: TelegramClient, chatId: string | number, ids: number[]): Promise<void> {
  for (const id of ids) {
    try {
      await client.api.raw.deleteMessage({ chat_id: chatId, message_id: id });
    } catch (error) {
      const reason = toTelegramError(error, client.token, `deleteMessage ${id} in ${chatId}`).message;
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

// Editing and deleting a post Herald made.
/*
 * An edit never changes how many messages a post is: the new text is fitted into the messages that exist.
 *
 * - Photo + follow-up ("12,13"): the caption and the follow-up are edited; when
 *   the new text fits in the caption alone, the follow-up is deleted and the
 *   button moves to the photo.
 * - One message ("12"): a caption edit when there is a card, a text edit
 *   otherwise; if Telegram says the message is the other kind, the other edit.
 *
 * The photo itself is not replaced (no editMessageMedia): a card whose
 * timeline changed keeps its first rendering. "Message is not modified" counts
 * as done, and a follow-up already gone is skipped, so retries are harmless.
 */
/**
 * The caption and text an edit writes when the first message is a photo: the
 * formatter's plan for a kept card (a caption edit, then the follow-up text
 * when the caption cannot hold it all).
 */
function photoShape(message: NewsMessage, chatId: string | number) {
  const calls = formatTelegram(message, chatId, KEPT_CARD);
  const photo = calls[0]?.params as EditCaptionParams;
  const followUp = calls[1]?.params as SendMessageParams | undefined;
  const markup = followUp?.reply_markup ?? photo.reply_markup;
  return { caption: photo.caption, followUp, markup };
}

/** The text an edit writes when the post is one text message. */
function textShape(message: NewsMessage, chatId: string | number): SendMessageParams {
  return formatTelegram(message, chatId, NO_CARD)[0]?.params as SendMessageParams;
}

/**
 * Rewrites a post (`messageId` as `post` returned it) with a new version of
 * its message, keeping its shape as described above. Failures are mapped like
 * posting failures; a message that no longer exists is a NotFoundError.
 */
export async function editTelegramNews(
  client: TelegramClient,
  chatId: string,
  messageId: string,
  message: NewsMessage,
  card: CardFile | null,
): Promise<void> {
  const target = toChatId(chatId);
  const [first, second] = parseMessageIds(messageId) as [number, ...number[]];
  const api = client.api.raw;

  /** Runs one edit; "gone" when a follow-up no longer exists. Other failures are thrown as grammY raised them. */
  const attempt = async (id: number, call: () => Promise<unknown>): Promise<"done" | "gone"> => {
    try {
      await call();
      return "done";
    } catch (error) {
      if (isNotModified(error)) return "done";
      if (id !== first && isMessageGone(error)) return "gone";
      throw error;
    }
  };
  const editCaption = (id: number, caption: string, markup: InlineKeyboardMarkup | undefined) =>
    attempt(id, () =>
      api.editMessageCaption({
        chat_id: target,
        message_id: id,
        caption,
        parse_mode: "HTML",
        ...(markup ? { reply_markup: markup } : {}),
      }),
    );
  const editText = (id: number, params: SendMessageParams) =>
    attempt(id, () =>
      api.editMessageText({
        chat_id: target,
        message_id: id,
        text: params.text,
        parse_mode: "HTML",
        link_preview_options: params.link_preview_options,
        ...(params.reply_markup ? { reply_markup: params.reply_markup } : {}),
      }),
    );
  const asPhoto = async () => {
    const shape = photoShape(message, target);
    await editCaption(first, shape.caption, shape.markup);
  };
  const asText = async () => {
    await editText(first, textShape(message, target));
  };

  try {
    if (second !== undefined) {
      const shape = photoShape(message, target);
      if (shape.followUp) {
        const followUp = await editText(second, shape.followUp);
        // An earlier edit removed the follow-up: the button goes back on the photo.
        await editCaption(first, shape.caption, followUp === "gone" ? shape.markup : undefined);
        return;
      }
      await editCaption(first, shape.caption, shape.markup);
      await deleteOne(client, target, chatId, second);
      return;
    }
    const looksLikePhoto = card !== null || message.card !== null;
    try {
      await (looksLikePhoto ? asPhoto() : asText());
    } catch (error) {
      if (!isWrongMessageKind(error)) throw error;
      await (looksLikePhoto ? asText() : asPhoto());
    }
  } catch (error) {
    throw toTelegramError(error, client.token, `edit of message ${messageId} in ${chatId}`);
  }
}

/** Deletes one message; one already gone counts as deleted. */
async function deleteOne(client: TelegramClient, target: string | number, chatId: string, id: number): Promise<void> {
  try {
    await client.api.raw.deleteMessage({ chat_id: target, message_id: id });
  } catch (error) {
    if (isMessageGone(error)) {
      client.log.info({ chatId, messageId: id }, "telegram: message to delete was already gone");
      return;
    }
    throw toTelegramError(error, client.token, `deleteMessage ${id} in ${chatId}`);
  }
}

/**
 * Deletes every message of a post. Messages already gone count as deleted, so
 * a retry after a partial delete finishes the job. Bots can delete their own
 * messages for 48 hours; after that Telegram refuses (PermissionError).
 */
export async function deleteTelegramNews(client: TelegramClient, chatId: string, messageId: string): Promise<void> {
  const target = toChatId(chatId);
  for (const id of parseMessageIds(messageId)) await deleteOne(client, target, chatId, id);
}

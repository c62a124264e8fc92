/**
 * Posting a news message to a Telegram chat: the calls `formatTelegram`
 * plans, made in order, with the card uploaded where a call says
 * `attach://<filename>`.
 * Editing and deleting a post come after posting, below.
 */

import { InputFile } from "grammy";
import type { InlineKeyboardMarkup, ReplyParameters } from "grammy/types";
import type { CardFile, Notify, PostedMessage, Poster, PostOptions } from "../../src/adapter.ts";
import { KEPT_CARD, NO_CARD, uploadedCard } from "../../src/message/card-placement.ts";
import type { NewsMessage, StoryUpdate } from "../../src/message/types.ts";
import { isMessageGone, isNotModified, isWrongMessageKind, toTelegramError } from "./errors.ts";
import {
  type EditCaptionParams,
  formatTelegram,
  formatTelegramUpdate,
  type SendMessageParams,
  type TelegramCall,
} from "./format.ts";
import { chatPart, joinMessageIds, parseMessageIds, toChatId, topicOf } from "./ids.ts";
import { TELEGRAM_GLOBAL_PER_SECOND, telegramChatPace } from "./pace.ts";
import { RETRACTED_PHOTO } from "./retracted-card.ts";
import type { TelegramClient } from "./types.ts";

export interface SendNewsOptions {
  signal?: AbortSignal | undefined;
  /** Makes the first message a reply to this one (command answers). */
  replyTo?: number | undefined;
  /** Who the post may wake: a mention in front, or sent without a sound. */
  notify?: Notify | undefined;
}

/** `message_thread_id` for a channel that names a forum topic ("-100…/42"), else nothing. */
function inTopic(chatId: string): { message_thread_id?: number } {
  const topic = topicOf(chatId);
  return topic === null ? {} : { message_thread_id: topic };
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
  const calls = formatTelegram(message, target, uploadedCard(card), { notify: options.notify });
  const ids: number[] = [];
  for (const [index, call] of calls.entries()) {
    const reply: ReplyParameters | undefined =
      index === 0 && options.replyTo !== undefined
        ? { message_id: options.replyTo, allow_sending_without_reply: true }
        : undefined;
    const extra = { ...(reply ? { reply_parameters: reply } : {}), ...inTopic(chatId) };
    try {
      ids.push(await perform(client, call, card, extra, options.signal));
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
  extra: { reply_parameters?: ReplyParameters; message_thread_id?: number },
  signal: AbortSignal | undefined,
): Promise<number> {
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
    // Topics of one forum share their chat's limit.
    const chat = chatPart(chatId);
    this.paces = [
      { key: `telegram:${botId}:chat:${chat}`, minIntervalMs: telegramChatPace(chat).minIntervalMs },
      { key: `telegram:${botId}:all`, minIntervalMs: Math.ceil(1000 / TELEGRAM_GLOBAL_PER_SECOND) },
    ];
  }

  /** Posts the message; the id is the Telegram message ids joined by ",". */
  async post(message: NewsMessage, card: CardFile | null, options: PostOptions): Promise<PostedMessage> {
    const ids = await sendTelegramNews(this.client, this.chatId, message, card, {
      signal: options.signal,
      notify: options.notify,
    });
    return { id: ids.length > 0 ? joinMessageIds(ids) : null };
  }

  edit(messageId: string, message: NewsMessage, card: CardFile | null): Promise<void> {
    return editTelegramNews(this.client, this.chatId, messageId, message, card);
  }

  /**
   * Sends the update as a reply to the post (its first message: the photo, or the text), in the
   * same forum topic. A post that is gone is refused by Telegram ("message to be replied not found"):
   * Herald never sends an update that no longer answers anything.
   */
  async reply(messageId: string, update: StoryUpdate, options: PostOptions): Promise<PostedMessage> {
    const [first] = parseMessageIds(messageId) as [number, ...number[]];
    const target = toChatId(this.chatId);
    const params = {
      ...formatTelegramUpdate(update, target, options.notify),
      reply_parameters: { message_id: first },
      ...inTopic(this.chatId),
    };
    try {
      const sent = await this.client.api.raw.sendMessage(params, options.signal as GrammySignal);
      return { id: joinMessageIds([sent.message_id]) };
    } catch (error) {
      throw toTelegramError(error, this.client.token, `reply to message ${first} in ${this.chatId}`);
    }
  }

  delete(messageId: string): Promise<void> {
    return deleteTelegramNews(this.client, this.chatId, messageId);
  }
}

// Editing and deleting a post Herald made.
/*
 * An edit never changes how many messages a post is: the new text is fitted into the messages that exist.
 *
 * - Photo + follow-up ("12,13"): the photo and the follow-up are edited; when
 *   the new text fits in the caption alone, the follow-up is deleted and the
 *   button moves to the photo.
 * - One message ("12"): with a new card whose text fits a caption, editMessageMedia (Telegram turns a
 *   text message into a photo too); otherwise a caption edit when the post had a card and a text edit
 *   when not, or when the new text is longer than a caption; if Telegram says the message is the other
 *   kind, the other edit.
 *
 * A photo edit with a new card is editMessageMedia (the new PNG and its caption in one call), so members
 * see the timeline as it is now; without one, only the caption changes. Telegram cannot turn a photo message into text, nor
 * remove its photo: a retracted photo post gets a plain grey photo instead of the card (retracted-card.ts) and its caption
 * becomes the retracted title and notice.
 * "Message is not modified" counts as done, and a follow-up already gone is skipped, so retries are harmless.
 */
/**
 * The photo edit and text an edit writes when the first message is a photo: the formatter's plan for a
 * new card (editMessageMedia) or a kept one (a caption edit), then the follow-up text when the caption
 * cannot hold it all.
 */
function photoShape(message: NewsMessage, chatId: string | number, card: CardFile | null) {
  const placement = card && !message.retraction ? uploadedCard(card) : KEPT_CARD;
  const calls = formatTelegram(message, chatId, placement, { edit: true });
  const first = calls[0];
  const followUp = calls[1]?.params as SendMessageParams | undefined;
  if (first?.method === "editMessageMedia") {
    const markup = followUp?.reply_markup ?? first.params.reply_markup;
    return { caption: first.params.media.caption, followUp, markup, newPhoto: card };
  }
  const photo = first?.params as EditCaptionParams;
  // The photo cannot be taken off a retracted post: it is replaced with a plain one, so the timeline is gone.
  const newPhoto = message.retraction ? RETRACTED_PHOTO : null;
  return { caption: photo.caption, followUp, markup: followUp?.reply_markup ?? photo.reply_markup, newPhoto };
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
  const editMedia = (id: number, png: CardFile, caption: string, markup: InlineKeyboardMarkup | undefined) =>
    attempt(id, () =>
      api.editMessageMedia({
        chat_id: target,
        message_id: id,
        // grammY uploads the InputFile as a multipart part and names it with attach://.
        media: { type: "photo", media: new InputFile(png.png, png.filename), caption, parse_mode: "HTML" },
        ...(markup ? { reply_markup: markup } : {}),
      }),
    );
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
  /** The photo's new caption, with the new card when there is one. */
  const editPhoto = (shape: ReturnType<typeof photoShape>, markup: InlineKeyboardMarkup | undefined) =>
    shape.newPhoto
      ? editMedia(first, shape.newPhoto, shape.caption, markup)
      : editCaption(first, shape.caption, markup);
  const asPhoto = async () => {
    const shape = photoShape(message, target, card);
    await editPhoto(shape, shape.markup);
  };
  const asText = async () => {
    await editText(first, textShape(message, target));
  };

  try {
    if (second !== undefined) {
      const shape = photoShape(message, target, card);
      if (shape.followUp) {
        const followUp = await editText(second, shape.followUp);
        // An earlier edit removed the follow-up: the button goes back on the photo.
        await editPhoto(shape, followUp === "gone" ? shape.markup : undefined);
        return;
      }
      await editPhoto(shape, shape.markup);
      await deleteOne(client, target, chatId, second);
      return;
    }
    const withNewCard = card && !message.retraction ? photoShape(message, target, card) : null;
    if (withNewCard && !withNewCard.followUp) {
      // editMessageMedia turns a text message into a photo too: either way members see the new card.
      await editPhoto(withNewCard, withNewCard.markup);
      return;
    }
    // A single message whose text is longer than a caption was most likely posted as text: a text edit
    // keeps all of it (the timeline listed) rather than cutting it to a caption.
    const looksLikePhoto = card === null && message.card !== null;
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

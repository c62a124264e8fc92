/**
 * Editing and deleting a post Herald made. An edit never changes how many
 * messages a post is: the new text is fitted into the messages that exist.
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
import type { InlineKeyboardMarkup } from "grammy/types";
import type { CardFile } from "../../src/adapter.ts";
import { KEPT_CARD, NO_CARD } from "../../src/message/card-placement.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { parseMessageIds, toChatId } from "./chat-id.ts";
import { isMessageGone, isNotModified, isWrongMessageKind, telegramError } from "./errors.ts";
import { type EditCaptionParams, formatTelegram, type SendMessageParams } from "./format.ts";
import type { TelegramClient } from "./types.ts";

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
    throw telegramError(error, client.token, `edit of message ${messageId} in ${chatId}`);
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
    throw telegramError(error, client.token, `deleteMessage ${id} in ${chatId}`);
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

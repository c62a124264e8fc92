/**
 * Telegram Bot API calls for a news message, in the order to make them. Pure:
 * the adapter performs them (uploading the card where a call says
 * `attach://<filename>`, naming the message where a call edits one).
 */
import type { InlineKeyboardMarkup, LinkPreviewOptions } from "grammy/types";
import type { Notify } from "../../src/adapter.ts";
import type { Block } from "../../src/article/types.ts";
import type { KeptCard, NoCard, UploadedCard } from "../../src/message/card-placement.ts";
import { formatMessageDate } from "../../src/message/date.ts";
import { fitBlocks } from "../../src/message/fit.ts";
import { timelineBlocks } from "../../src/message/timeline.ts";
import type { NewsMessage, StoryUpdate } from "../../src/message/types.ts";
import { fitText } from "../../src/text/truncate.ts";
import { safeHttpUrl } from "../../src/text/url.ts";
import { updateLines } from "../shared/story-update.ts";
import { TELEGRAM_LIMITS as L } from "./limits.ts";
import { escapeHtml, renderTelegramBlocks, visibleLength } from "./markup.ts";

export interface SendPhotoParams {
  chat_id: string | number;
  /** "attach://<card filename>": the adapter uploads the PNG under that name. */
  photo: string;
  caption: string;
  parse_mode: "HTML";
  reply_markup?: InlineKeyboardMarkup;
  /** Set when the destination sends this severity silently. */
  disable_notification?: true;
}

export interface SendMessageParams {
  chat_id: string | number;
  text: string;
  parse_mode: "HTML";
  link_preview_options: LinkPreviewOptions;
  reply_markup?: InlineKeyboardMarkup;
  disable_notification?: true;
}

/** A new photo and caption for a photo already in the chat; the adapter adds the `message_id` and uploads the PNG. */
export interface EditMediaParams {
  chat_id: string | number;
  media: { type: "photo"; media: string; caption: string; parse_mode: "HTML" };
  reply_markup?: InlineKeyboardMarkup;
}

/** A new caption for a photo already in the chat; the adapter adds the `message_id` it edits. */
export interface EditCaptionParams {
  chat_id: string | number;
  caption: string;
  parse_mode: "HTML";
  reply_markup?: InlineKeyboardMarkup;
}

export type TelegramCall =
  | { method: "sendPhoto"; params: SendPhotoParams }
  | { method: "sendMessage"; params: SendMessageParams }
  | { method: "editMessageCaption"; params: EditCaptionParams }
  | { method: "editMessageMedia"; params: EditMediaParams };

/** How a message is sent: who it may wake, and whether it replaces the photo of an existing post. */
export interface TelegramFormatOptions {
  notify?: Notify | undefined;
  /** An edit: an uploaded card becomes editMessageMedia (new photo and caption) instead of sendPhoto. */
  edit?: boolean;
}

/**
 * What a Telegram post can do with a card: upload it as a photo, keep the
 * photo it already shows (an edit; the Bot API cannot change a photo with its
 * caption), or go without (one text message with the timeline listed).
 */
export type TelegramCardPlacement = UploadedCard | KeptCard | NoCard;

/** Titles are headlines; past this many visible characters they crowd out the text. */
const MAX_TITLE = 512;
/** Source, date and categories share one short line. */
const MAX_META = 256;
const MAX_CATEGORIES = 3;

/**
 * With a card: a photo whose caption holds the message, or, when the text is
 * longer than a caption allows, the title and as much as fits, followed by a
 * message with the full text. The photo is a sendPhoto for an uploaded card
 * and an editMessageCaption for a kept one. Without a card: one message.
 * Never more than two calls.
 *
 * @example for (const call of formatTelegram(msg, chatId, uploadedCard(file))) await bot.api.raw[call.method](call.params)
 */
export function formatTelegram(
  msg: NewsMessage,
  chatId: string | number,
  card: TelegramCardPlacement,
  options: TelegramFormatOptions = {},
): TelegramCall[] {
  const quiet = quietOf(options.notify);
  if (msg.retraction) return retracted(msg, msg.retraction.notice, chatId, card, options.notify);
  const head = header(msg, options.notify);
  const render = (blocks: Block[]) => {
    const body = renderTelegramBlocks(blocks);
    return body ? `${head}\n\n${body}` : head;
  };
  const blocks = card.kind === "none" ? [...msg.blocks, ...timelineBlocks(msg.timeline)] : msg.blocks;
  const url = safeHttpUrl(msg.url);
  const reply_markup: InlineKeyboardMarkup | undefined = url
    ? { inline_keyboard: [[{ text: msg.readMoreLabel, url }]] }
    : undefined;
  const withButton = <T extends object>(params: T) => (reply_markup ? { ...params, reply_markup } : params);

  if (card.kind === "none") {
    const text = fitBlocks(blocks, render, L.messageText, visibleLength).output;
    const image = safeHttpUrl(msg.image);
    // The lead image is shown as a large link preview above the text.
    const link_preview_options: LinkPreviewOptions = image
      ? { url: image, prefer_large_media: true, show_above_text: true }
      : { is_disabled: true };
    return [
      {
        method: "sendMessage",
        params: withButton({ chat_id: chatId, text, parse_mode: "HTML" as const, link_preview_options, ...quiet }),
      },
    ];
  }

  const caption = fitBlocks(blocks, render, L.caption, visibleLength);
  const photoCall = (params: { caption: string; reply_markup?: InlineKeyboardMarkup }): TelegramCall => {
    if (card.kind === "kept")
      return { method: "editMessageCaption", params: { chat_id: chatId, parse_mode: "HTML", ...params } };
    const photo = `attach://${card.filename}`;
    if (options.edit) {
      const { caption: text, ...rest } = params;
      const media = { type: "photo" as const, media: photo, caption: text, parse_mode: "HTML" as const };
      return { method: "editMessageMedia", params: { chat_id: chatId, media, ...rest } };
    }
    return { method: "sendPhoto", params: { chat_id: chatId, photo, parse_mode: "HTML", ...params, ...quiet } };
  };
  if (!caption.truncated) return [photoCall(withButton({ caption: caption.output }))];
  return [
    photoCall({ caption: caption.output }),
    {
      method: "sendMessage",
      params: withButton({
        chat_id: chatId,
        text: fitBlocks(blocks, render, L.messageText, visibleLength).output,
        parse_mode: "HTML" as const,
        link_preview_options: { is_disabled: true },
        // The photo already notified (or did not); the follow-up never adds a second sound.
        disable_notification: true as const,
      }),
    },
  ];
}

/**
 * A retracted article: the title struck through and the notice, no body, button or link preview. A
 * photo post cannot become text, so a kept card gets the same words as its caption (the photo stays;
 * see adapters/README.md); otherwise one text message.
 */
function retracted(
  msg: NewsMessage,
  notice: string,
  chatId: string | number,
  card: TelegramCardPlacement,
  notify: Notify | undefined,
): TelegramCall[] {
  const quiet = quietOf(notify);
  const mention = mentionLine(notify);
  const title = msg.title ? fitText(msg.title, (t) => `<s>${escapeHtml(t)}</s>`, MAX_TITLE, visibleLength) : "";
  const said = fitText(notice, (t) => `<i>${escapeHtml(t)}</i>`, MAX_META, visibleLength);
  const text = [mention, title, said].filter((part) => part !== "").join("\n\n");
  if (card.kind === "kept")
    return [{ method: "editMessageCaption", params: { chat_id: chatId, caption: text, parse_mode: "HTML" } }];
  const link_preview_options: LinkPreviewOptions = { is_disabled: true };
  return [
    { method: "sendMessage", params: { chat_id: chatId, text, parse_mode: "HTML", link_preview_options, ...quiet } },
  ];
}

/**
 * The thread reply for a story update, sent as a reply to the post: the heading in bold, then each new
 * row as "time — event" (or the summary line), escaped and fitted to the 4096-character message limit.
 */
export function formatTelegramUpdate(update: StoryUpdate, chatId: string | number, notify?: Notify): SendMessageParams {
  const mention = mentionLine(notify);
  const heading = fitText(update.heading, (t) => `<b>${escapeHtml(t)}</b>`, MAX_META, visibleLength);
  const url = safeHttpUrl(update.url);
  // A link too long to leave room for the rows is left out: the rows are the update.
  const link = url && url.length <= L.messageText / 2 ? `\n${escapeHtml(url)}` : "";
  const used = visibleLength(mention) + visibleLength(heading) + visibleLength(link) + 2;
  const lines = fitText(updateLines(update).join("\n"), escapeHtml, Math.max(0, L.messageText - used), visibleLength);
  const text = [mention, heading, lines].filter((part) => part !== "").join("\n") + link;
  return {
    chat_id: chatId,
    text,
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
    ...quietOf(notify),
  };
}

/** Telegram's own silence for a post the destination sends quietly: members get it without a sound. */
function quietOf(notify: Notify | undefined): { disable_notification?: true } {
  return notify?.silent ? { disable_notification: true } : {};
}

/**
 * The admin-configured mention (an "@username", or whatever text the admin chose), escaped: Telegram
 * notifies a mentioned user through the text itself. Nothing when the post is silent.
 */
function mentionLine(notify: Notify | undefined): string {
  const mention = notify && !notify.silent ? (notify.mention?.trim() ?? "") : "";
  return mention ? escapeHtml(mention) : "";
}

/** The mention when there is one, bold title, the updated marker, then source · date · categories in italics. */
function header(msg: NewsMessage, notify?: Notify): string {
  const mention = mentionLine(notify);
  const title = msg.title ? fitText(msg.title, (t) => `<b>${escapeHtml(t)}</b>`, MAX_TITLE, visibleLength) : "";
  const updated = msg.updatedLabel
    ? fitText(msg.updatedLabel, (t) => `<i>${escapeHtml(t)}</i>`, MAX_META, visibleLength)
    : "";
  const categories = msg.categories.filter((c) => c.trim() !== "").slice(0, MAX_CATEGORIES);
  const meta = [msg.source, formatMessageDate(msg.date, msg.language), categories.join(", ")]
    .filter((p): p is string => !!p && p.trim() !== "")
    .join(" · ");
  const metaLine = meta ? fitText(meta, (m) => `<i>${escapeHtml(m)}</i>`, MAX_META, visibleLength) : "";
  return [mention, title, updated, metaLine].filter((line) => line !== "").join("\n");
}

/**
 * Telegram Bot API calls for a news message, in the order to make them. Pure:
 * the adapter performs them (uploading the card where a call says
 * `attach://<filename>`, naming the message where a call edits one).
 */
import type { InlineKeyboardMarkup, LinkPreviewOptions } from "grammy/types";
import type { Block } from "../../src/article/types.ts";
import type { KeptCard, NoCard, UploadedCard } from "../../src/message/card-placement.ts";
import { formatMessageDate } from "../../src/message/date.ts";
import { fitBlocks } from "../../src/message/fit.ts";
import { timelineBlocks } from "../../src/message/timeline.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { fitText } from "../../src/text/truncate.ts";
import { safeHttpUrl } from "../../src/text/url.ts";
import { TELEGRAM_LIMITS as L } from "./limits.ts";
import { escapeHtml, renderTelegramBlocks, visibleLength } from "./markup.ts";

export interface SendPhotoParams {
  chat_id: string | number;
  /** "attach://<card filename>": the adapter uploads the PNG under that name. */
  photo: string;
  caption: string;
  parse_mode: "HTML";
  reply_markup?: InlineKeyboardMarkup;
}

export interface SendMessageParams {
  chat_id: string | number;
  text: string;
  parse_mode: "HTML";
  link_preview_options: LinkPreviewOptions;
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
  | { method: "editMessageCaption"; params: EditCaptionParams };

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
export function formatTelegram(msg: NewsMessage, chatId: string | number, card: TelegramCardPlacement): TelegramCall[] {
  const head = header(msg);
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
        params: withButton({ chat_id: chatId, text, parse_mode: "HTML" as const, link_preview_options }),
      },
    ];
  }

  const caption = fitBlocks(blocks, render, L.caption, visibleLength);
  const photoCall = (params: { caption: string; reply_markup?: InlineKeyboardMarkup }): TelegramCall =>
    card.kind === "upload"
      ? {
          method: "sendPhoto",
          params: { chat_id: chatId, photo: `attach://${card.filename}`, parse_mode: "HTML", ...params },
        }
      : { method: "editMessageCaption", params: { chat_id: chatId, parse_mode: "HTML", ...params } };
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
      }),
    },
  ];
}

/** Bold title, then source · date · categories in italics. */
function header(msg: NewsMessage): string {
  const title = msg.title ? fitText(msg.title, (t) => `<b>${escapeHtml(t)}</b>`, MAX_TITLE, visibleLength) : "";
  const categories = msg.categories.filter((c) => c.trim() !== "").slice(0, MAX_CATEGORIES);
  const meta = [msg.source, formatMessageDate(msg.date, msg.language), categories.join(", ")]
    .filter((p): p is string => !!p && p.trim() !== "")
    .join(" · ");
  const metaLine = meta ? fitText(meta, (m) => `<i>${escapeHtml(m)}</i>`, MAX_META, visibleLength) : "";
  return [title, metaLine].filter((line) => line !== "").join("\n");
}

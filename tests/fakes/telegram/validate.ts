/** The Bot API's checks on message content: chat ids, text, captions, keyboards and photos. */
import { badRequest } from "./errors.ts";
import { EntityParseError, type ParsedText, parseTelegramHtml } from "./html-entities.ts";
import { jsonParam, type Params, stringParam } from "./params.ts";

/** Message text limit after entity parsing, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 4096;
/** Caption limit after entity parsing. */
export const MAX_CAPTION_LENGTH = 1024;
/** callback_data limit, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;
/** sendPhoto upload limit. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/**
 * The target chat as a string: a (possibly negative) integer id or an "@channelusername".
 * Throws "chat_id is empty" / "chat not found" like Telegram.
 */
export function chatIdOf(params: Params): string {
  const raw = stringParam(params, "chat_id");
  if (raw === undefined || raw === "") throw badRequest("chat_id is empty");
  if (/^-?\d{1,16}$/.test(raw)) return String(Number(raw));
  if (/^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(raw)) return raw;
  throw badRequest("chat not found");
}

export type ChatType = "private" | "group" | "supergroup" | "channel";

/** Telegram's id conventions: users are positive, supergroups/channels are -100…, basic groups other negatives. */
export function chatTypeOf(chatId: string): ChatType {
  if (chatId.startsWith("@")) return "channel";
  if (chatId.startsWith("-100")) return "supergroup";
  return chatId.startsWith("-") ? "group" : "private";
}

/** Parses text or a caption with its parse_mode; `undefined` parse_mode keeps the text as is. */
function parseFormatted(text: string, parseMode: string | undefined, strictHtml: boolean): ParsedText {
  if (parseMode === undefined || parseMode === "") return { text: text.trim(), entities: [] };
  if (parseMode.toLowerCase() === "html") {
    try {
      return parseTelegramHtml(text, { strict: strictHtml });
    } catch (error) {
      if (error instanceof EntityParseError) throw badRequest(`can't parse entities: ${error.message}`);
      throw error;
    }
  }
  if (parseMode === "MarkdownV2" || parseMode === "Markdown") {
    // Refusing beats accepting unchecked: a test must not pass on markup the fake never parsed.
    throw badRequest(`TelegramFake does not implement parse_mode "${parseMode}"; Herald uses HTML`);
  }
  throw badRequest(`unsupported parse_mode "${parseMode}"`);
}

/** Checks sendMessage/editMessageText text: non-empty and ≤ 4096 visible characters. */
export function checkMessageText(params: Params, strictHtml: boolean): ParsedText {
  const text = stringParam(params, "text");
  if (text === undefined || text === "") throw badRequest("message text is empty");
  const parsed = parseFormatted(text, stringParam(params, "parse_mode"), strictHtml);
  if (parsed.text === "") throw badRequest("message text is empty");
  if (parsed.text.length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
  return parsed;
}

/** Checks an optional caption: ≤ 1024 visible characters. */
export function checkCaption(params: Params, strictHtml: boolean): ParsedText | undefined {
  const caption = stringParam(params, "caption");
  if (caption === undefined || caption === "") return undefined;
  const parsed = parseFormatted(caption, stringParam(params, "parse_mode"), strictHtml);
  if (parsed.text.length > MAX_CAPTION_LENGTH) throw badRequest("message caption is too long");
  return parsed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

function checkInlineButton(button: unknown): void {
  if (!isObject(button)) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  if (typeof button.text !== "string") {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  if (button.text.trim() === "") throw badRequest("BUTTON_TEXT_INVALID");
  const actions = BUTTON_ACTIONS.filter((action) => button[action] !== undefined);
  if (actions.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (actions.length > 1) throw badRequest("can't parse inline keyboard button: exactly one action field must be used");
  if (button.url !== undefined) {
    const url = String(button.url);
    if (!/^(https?:\/\/[^\s]+|tg:\/\/[^\s]+)$/i.test(url)) {
      throw badRequest(`inline keyboard button URL '${url}' is invalid: Unsupported URL protocol`);
    }
  }
  if (button.callback_data !== undefined) {
    const bytes = Buffer.byteLength(String(button.callback_data), "utf8");
    if (typeof button.callback_data !== "string" || bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) {
      throw badRequest("BUTTON_DATA_INVALID");
    }
  }
}

/** Parses and checks `reply_markup` (a JSON string outside JSON bodies); returns it or undefined. */
export function checkReplyMarkup(params: Params): Record<string, unknown> | undefined {
  const markup = jsonParam(params, "reply_markup", "reply keyboard markup");
  if (markup === undefined) return undefined;
  if (!isObject(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if (markup.inline_keyboard !== undefined) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const row of rows as unknown[][]) for (const button of row) checkInlineButton(button);
  }
  return markup;
}

export interface ImageInfo {
  format: "png" | "jpeg";
  width: number;
  height: number;
}

/** PNG or JPEG by magic bytes, with the dimensions from the IHDR / SOF header. */
export function imageInfo(bytes: Buffer): ImageInfo | undefined {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(png)) {
    return { format: "png", width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return jpegInfo(bytes);
  }
  return undefined;
}

/** Walks JPEG segments to the first start-of-frame marker, which holds the size. */
function jpegInfo(bytes: Buffer): ImageInfo | undefined {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame)
      return { format: "jpeg", height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return undefined;
}

/** sendPhoto's limits on an uploaded file: an image, ≤ 10 MB, width + height ≤ 10000, ratio ≤ 20. */
export function checkPhotoBytes(bytes: Buffer): ImageInfo {
  if (bytes.length > MAX_PHOTO_BYTES) throw badRequest("PHOTO_SAVE_FILE_INVALID");
  const info = imageInfo(bytes);
  if (!info) throw badRequest("IMAGE_PROCESS_FAILED");
  const { width, height } = info;
  if (
    width === 0 ||
    height === 0 ||
    width + height > 10_000 ||
    Math.max(width, height) / Math.min(width, height) > 20
  ) {
    throw badRequest("PHOTO_INVALID_DIMENSIONS");
  }
  return info;
}

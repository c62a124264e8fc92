/** sendMessage, sendPhoto, editMessageText, editMessageCaption and deleteMessage. */
import { randomBytes } from "node:crypto";
import type { BotMethod, MethodContext } from "./context.ts";
import { badRequest, tooManyRequests } from "./errors.ts";
import type { ParsedText } from "./html-entities.ts";
import { type BotRequest, booleanParam, integerParam, jsonParam, type Params, stringParam } from "./params.ts";
import type { StoredMessage, TelegramSent } from "./types.ts";
import { chatIdOf, chatTypeOf, checkCaption, checkMessageText, checkPhotoBytes, checkReplyMarkup } from "./validate.ts";

/** The Message object Telegram returns for a stored message. */
export function messageJson(message: StoredMessage, ctx: MethodContext): Record<string, unknown> {
  const type = chatTypeOf(message.chatId);
  const numericId = Number(message.chatId);
  const chat = message.chatId.startsWith("@")
    ? { id: -1_001_000_000_000, type, title: message.chatId.slice(1), username: message.chatId.slice(1) }
    : type === "private"
      ? { id: numericId, type, first_name: "Reader" }
      : { id: numericId, type, title: "Herald readers" };
  const body: Record<string, unknown> = {
    message_id: message.messageId,
    date: message.date,
    chat,
    ...(type === "channel"
      ? { sender_chat: chat }
      : { from: { id: ctx.bot.id, is_bot: true, first_name: ctx.bot.firstName, username: ctx.bot.username } }),
  };
  const entities = message.entities.length > 0 ? message.entities : undefined;
  if (message.kind === "text") {
    body.text = message.visibleText;
    if (entities) body.entities = entities;
  } else {
    const size = message.photoSize ?? { width: 0, height: 0, fileSize: 0 };
    body.photo = [
      {
        file_id: message.photoFileId,
        file_unique_id: message.photoFileId?.slice(0, 16),
        width: size.width,
        height: size.height,
        file_size: size.fileSize,
      },
    ];
    if (message.visibleText) body.caption = message.visibleText;
    if (entities) body.caption_entities = entities;
  }
  if (message.replyMarkup) body.reply_markup = message.replyMarkup;
  return body;
}

function enforceRateLimit(chatId: string, ctx: MethodContext): void {
  const decision = ctx.limiter.take(chatId);
  if (decision.allowed) return;
  ctx.onRateLimited(chatId);
  throw tooManyRequests(decision.retryAfterSeconds);
}

/**
 * reply_parameters must point at a message in the chat unless allow_sending_without_reply.
 * message_thread_id must name a topic of the (forum) chat.
 */
function checkReplyTarget(params: Params, chatId: string, ctx: MethodContext): void {
  ctx.state.checkTopic(chatId, integerParam(params, "message_thread_id"));
  const reply = jsonParam(params, "reply_parameters", "reply parameters");
  if (reply === undefined) return;
  const target = reply as { message_id?: unknown; allow_sending_without_reply?: unknown };
  if (typeof target.message_id !== "number") throw badRequest('field "message_id" must be of type Integer');
  if (!ctx.state.findMessage(chatId, target.message_id) && target.allow_sending_without_reply !== true) {
    throw badRequest("message to be replied not found");
  }
}

/** What a send records besides its content: parse mode, reply, topic and whether it was silent. */
export function recordFields(params: Params, parsed: ParsedText | undefined): Partial<TelegramSent> {
  const parseMode = stringParam(params, "parse_mode");
  const reply = jsonParam(params, "reply_parameters", "reply parameters") as { message_id?: number } | undefined;
  const threadId = integerParam(params, "message_thread_id");
  return {
    ...(parsed ? { visibleText: parsed.text, entities: parsed.entities } : {}),
    ...(parseMode ? { parseMode } : {}),
    ...(booleanParam(params, "disable_notification") ? { disableNotification: true as const } : {}),
    ...(typeof reply?.message_id === "number" ? { replyTo: reply.message_id } : {}),
    ...(threadId !== undefined ? { threadId } : {}),
  };
}

/**
 * Shows an edited caption and keyboard on `message` (no keyboard in the edit removes it, as on
 * Telegram) and returns what the edit records about them.
 */
export function showCaption(
  message: StoredMessage,
  params: Params,
  caption: ParsedText | undefined,
  replyMarkup: Record<string, unknown> | undefined,
): Partial<TelegramSent> {
  message.visibleText = caption?.text ?? "";
  message.entities = caption?.entities ?? [];
  if (replyMarkup) message.replyMarkup = replyMarkup;
  else delete message.replyMarkup;
  const rawCaption = stringParam(params, "caption");
  return {
    ...(rawCaption ? { caption: rawCaption } : {}),
    ...recordFields(params, caption),
    ...(replyMarkup ? { replyMarkup } : {}),
  };
}

export const sendMessage: BotMethod = ({ params }, ctx) => {
  const chatId = chatIdOf(params);
  ctx.state.checkChat(chatId, "write");
  const parsed = checkMessageText(params, ctx.strictHtml);
  const replyMarkup = checkReplyMarkup(params);
  checkReplyTarget(params, chatId, ctx);
  enforceRateLimit(chatId, ctx);
  const threadId = integerParam(params, "message_thread_id");
  const message = ctx.state.storeMessage({
    chatId,
    kind: "text",
    visibleText: parsed.text,
    entities: parsed.entities,
    ...(replyMarkup ? { replyMarkup } : {}),
    ...(threadId !== undefined ? { threadId } : {}),
  });
  ctx.state.record({
    method: "sendMessage",
    chatId,
    messageId: message.messageId,
    text: stringParam(params, "text")!,
    ...recordFields(params, parsed),
    ...(replyMarkup ? { replyMarkup } : {}),
  });
  return messageJson(message, ctx);
};

type PhotoSource = { kind: "upload"; bytes: Buffer; filename: string } | { kind: "ref"; ref: string; bytes?: Buffer };

/** Finds the photo: a multipart part (directly or via "attach://name"), a URL, or a known file_id. */
function photoSource({ params, files }: BotRequest, ctx: MethodContext): PhotoSource {
  const direct = files.get("photo");
  if (direct) return { kind: "upload", bytes: direct.bytes, filename: direct.filename };
  const value = stringParam(params, "photo");
  if (value === undefined || value === "") throw badRequest("there is no photo in the request");
  if (value.startsWith("attach://")) {
    const part = files.get(value.slice("attach://".length));
    if (!part) throw badRequest("there is no photo in the request");
    return { kind: "upload", bytes: part.bytes, filename: part.filename };
  }
  if (/^https?:\/\/\S+$/i.test(value)) return { kind: "ref", ref: value };
  const known = ctx.state.photoFiles.get(value);
  if (known) return { kind: "ref", ref: value, bytes: known };
  throw badRequest("wrong file identifier/HTTP URL specified");
}

export const sendPhoto: BotMethod = (request, ctx) => {
  const { params } = request;
  const chatId = chatIdOf(params);
  ctx.state.checkChat(chatId, "write");
  const caption = checkCaption(params, ctx.strictHtml);
  const replyMarkup = checkReplyMarkup(params);
  checkReplyTarget(params, chatId, ctx);
  const source = photoSource(request, ctx);
  const bytes = source.bytes;
  if (bytes && bytes.length === 0) throw badRequest("file must be non-empty");
  const image = bytes ? checkPhotoBytes(bytes) : undefined;
  enforceRateLimit(chatId, ctx);
  const fileId = `AgACAgUAAxkDAAI${randomBytes(12).toString("base64url")}`;
  if (bytes) ctx.state.photoFiles.set(fileId, bytes);
  const threadId = integerParam(params, "message_thread_id");
  const message = ctx.state.storeMessage({
    ...(threadId !== undefined ? { threadId } : {}),
    chatId,
    kind: "photo",
    visibleText: caption?.text ?? "",
    entities: caption?.entities ?? [],
    photoFileId: fileId,
    photoSize: { width: image?.width ?? 0, height: image?.height ?? 0, fileSize: bytes?.length ?? 0 },
    ...(replyMarkup ? { replyMarkup } : {}),
  });
  const rawCaption = stringParam(params, "caption");
  ctx.state.record({
    method: "sendPhoto",
    chatId,
    messageId: message.messageId,
    ...(rawCaption ? { caption: rawCaption } : {}),
    ...recordFields(params, caption),
    ...(replyMarkup ? { replyMarkup } : {}),
    ...(source.kind === "upload" && image
      ? { photo: { bytes: source.bytes, filename: source.filename, width: image.width, height: image.height } }
      : {}),
    ...(source.kind === "ref" ? { photoRef: source.ref } : {}),
  });
  return messageJson(message, ctx);
};

/** The message an edit/delete targets; inline messages are not modelled. */
function targetMessage(params: Params, ctx: MethodContext, missing: string): StoredMessage {
  if (params.inline_message_id !== undefined) throw badRequest("TelegramFake does not implement inline messages");
  const chatId = chatIdOf(params);
  ctx.state.checkChat(chatId, "write");
  const messageId = integerParam(params, "message_id");
  if (messageId === undefined) throw badRequest("message identifier is not specified");
  const message = ctx.state.findMessage(chatId, messageId);
  if (!message) throw badRequest(missing);
  return message;
}

/**
 * The bot's own message an edit targets: another's is refused as Telegram refuses it. An edit spends
 * the chat's send budget like a message (a group's ~20 a minute counts edits too), so a story edited
 * too often gets 429s here as it would on Telegram.
 */
export function editableMessage(params: Params, ctx: MethodContext): StoredMessage {
  const message = targetMessage(params, ctx, "message to edit not found");
  if (message.fromBot === false) throw badRequest("message can't be edited");
  enforceRateLimit(message.chatId, ctx);
  return message;
}

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

function unchanged(
  message: StoredMessage,
  parsed: ParsedText,
  replyMarkup: Record<string, unknown> | undefined,
): boolean {
  return (
    message.visibleText === parsed.text &&
    JSON.stringify(message.entities) === JSON.stringify(parsed.entities) &&
    JSON.stringify(message.replyMarkup) === JSON.stringify(replyMarkup)
  );
}

export const editMessageText: BotMethod = ({ params }, ctx) => {
  const message = editableMessage(params, ctx);
  if (message.kind !== "text") throw badRequest("there is no text in the message to edit");
  const parsed = checkMessageText(params, ctx.strictHtml);
  const replyMarkup = checkReplyMarkup(params);
  if (unchanged(message, parsed, replyMarkup)) throw badRequest(NOT_MODIFIED);
  message.visibleText = parsed.text;
  message.entities = parsed.entities;
  if (replyMarkup) message.replyMarkup = replyMarkup;
  else delete message.replyMarkup;
  ctx.state.record({
    method: "editMessageText",
    chatId: message.chatId,
    messageId: message.messageId,
    text: stringParam(params, "text")!,
    ...recordFields(params, parsed),
    ...(replyMarkup ? { replyMarkup } : {}),
  });
  return messageJson(message, ctx);
};

export const editMessageCaption: BotMethod = ({ params }, ctx) => {
  const message = editableMessage(params, ctx);
  if (message.kind !== "photo") throw badRequest("there is no caption in the message to edit");
  const parsed = checkCaption(params, ctx.strictHtml) ?? { text: "", entities: [] };
  const replyMarkup = checkReplyMarkup(params);
  if (unchanged(message, parsed, replyMarkup)) throw badRequest(NOT_MODIFIED);
  const shown = showCaption(message, params, parsed, replyMarkup);
  ctx.state.record({ method: "editMessageCaption", chatId: message.chatId, messageId: message.messageId, ...shown });
  return messageJson(message, ctx);
};

export const deleteMessage: BotMethod = ({ params }, ctx) => {
  const message = targetMessage(params, ctx, "message to delete not found");
  ctx.state.deleteMessage(message.chatId, message.messageId);
  ctx.state.record({ method: "deleteMessage", chatId: message.chatId, messageId: message.messageId });
  return true;
};

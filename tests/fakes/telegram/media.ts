/**
 * editMessageMedia, for photos: the new photo travels in the same multipart request, named by
 * `media.media = "attach://<part>"` (or a URL / known file_id), with the new caption inside `media`.
 * Telegram also lets it turn a text message into a photo message (not the reverse).
 */
import { randomBytes } from "node:crypto";
import type { BotMethod } from "./context.ts";
import { badRequest } from "./errors.ts";
import { editableMessage, messageJson, showCaption } from "./messages.ts";
import { jsonParam } from "./params.ts";
import { checkCaption, checkPhotoBytes, checkReplyMarkup } from "./validate.ts";

interface InputMediaPhoto {
  type?: unknown;
  media?: unknown;
  caption?: unknown;
  parse_mode?: unknown;
}

export const editMessageMedia: BotMethod = ({ params, files }, ctx) => {
  const message = editableMessage(params, ctx);
  const media = jsonParam(params, "media", "input media") as InputMediaPhoto | undefined;
  if (!media || typeof media !== "object") throw badRequest("media not specified");
  if (media.type !== "photo") throw badRequest("type of file mismatch");
  const reference = typeof media.media === "string" ? media.media : "";
  let bytes: Buffer | undefined;
  let filename = "";
  if (reference.startsWith("attach://")) {
    // Only a multipart request carries the part it names.
    const part = files.get(reference.slice("attach://".length));
    if (!part) throw badRequest("can't find attached file");
    bytes = part.bytes;
    filename = part.filename;
  } else {
    bytes = ctx.state.photoFiles.get(reference);
    if (!bytes && !/^https?:\/\/\S+$/i.test(reference)) throw badRequest("wrong file identifier/HTTP URL specified");
  }
  if (bytes && bytes.length === 0) throw badRequest("file must be non-empty");
  const image = bytes ? checkPhotoBytes(bytes) : undefined;
  const captionParams = { caption: media.caption, parse_mode: media.parse_mode };
  const caption = checkCaption(captionParams, ctx.strictHtml);
  const replyMarkup = checkReplyMarkup(params);

  const fileId = `AgACAgUAAxkDAAI${randomBytes(12).toString("base64url")}`;
  if (bytes) ctx.state.photoFiles.set(fileId, bytes);
  // A text message becomes a photo message, as on Telegram (the reverse is impossible).
  message.kind = "photo";
  message.photoFileId = fileId;
  message.photoSize = { width: image?.width ?? 0, height: image?.height ?? 0, fileSize: bytes?.length ?? 0 };
  ctx.state.record({
    method: "editMessageMedia",
    chatId: message.chatId,
    messageId: message.messageId,
    ...showCaption(message, captionParams, caption, replyMarkup),
    ...(bytes && image ? { photo: { bytes, filename, width: image.width, height: image.height } } : {}),
    ...(bytes ? {} : { photoRef: reference }),
  });
  return messageJson(message, ctx);
};

/** What TelegramFake records, for tests to assert on. */
import type { TelegramEntity } from "./html-entities.ts";

/** One successful content call: a send, an edit or a delete. */
export interface TelegramSent {
  method: string;
  chatId: string;
  messageId: number;
  /** The text as sent (raw HTML when parse_mode is HTML). */
  text?: string;
  /** The caption as sent. */
  caption?: string;
  /** What the user sees: tags removed and entities decoded (text or caption). */
  visibleText?: string;
  entities?: TelegramEntity[];
  parseMode?: string;
  // biome-ignore lint/suspicious/noExplicitAny: reply_markup JSON as the client sent it
  replyMarkup?: any;
  /** An uploaded photo. */
  photo?: { bytes: Buffer; filename: string; width: number; height: number };
  /** A photo sent by URL or file_id instead of uploaded. */
  photoRef?: string;
  /** Sent with disable_notification: members get no sound. */
  disableNotification?: true;
  /** The message this one replies to (reply_parameters.message_id). */
  replyTo?: number;
  /** The forum topic it went to (message_thread_id). */
  threadId?: number;
}

export type ChatErrorKind = "chat_not_found" | "kicked" | "not_admin";

export type ChatMemberStatus = "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";

/** A message as it currently stands in a chat (after edits). */
export interface StoredMessage {
  chatId: string;
  messageId: number;
  date: number;
  kind: "text" | "photo";
  visibleText: string;
  entities: TelegramEntity[];
  replyMarkup?: Record<string, unknown>;
  photoFileId?: string;
  photoSize?: { width: number; height: number; fileSize: number };
  /** False for a message a member wrote (the bot may not edit it); absent for the bot's own. */
  fromBot?: false;
  /** The forum topic the message is in. */
  threadId?: number;
}

/** One Bot API call as the fake answered it. */
export interface TelegramCall {
  method: string;
  status: number;
  description?: string;
}

/** An answerCallbackQuery call. */
export interface CallbackAnswer {
  callbackQueryId: string;
  text?: string;
  showAlert: boolean;
}

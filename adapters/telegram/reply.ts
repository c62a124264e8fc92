/**
 * Answers to commands. Telegram has no ephemeral messages, so every answer is
 * a normal message in the chat, sent as a reply to the command message.
 */
import type { CommandReply } from "../../src/chat/types.ts";
import { fitBlocks } from "../../src/message/fit.ts";
import { toChatId } from "./chat-id.ts";
import { telegramError } from "./errors.ts";
import { TELEGRAM_LIMITS } from "./limits.ts";
import { renderTelegramBlocks, visibleLength } from "./markup.ts";
import { sendTelegramNews } from "./poster.ts";
import type { TelegramClient } from "./types.ts";

/**
 * Sends a command's reply to `chatId`: its blocks as one HTML message (cut to
 * fit with "…"), then the article, if any, exactly as a delivery would post
 * it (card photo, caption, button). The first message replies to `replyTo`.
 */
export async function sendCommandReply(
  client: TelegramClient,
  chatId: string,
  replyTo: number | undefined,
  reply: CommandReply,
): Promise<void> {
  const target = toChatId(chatId);
  const text = reply.blocks.length > 0
    ? fitBlocks(reply.blocks, renderTelegramBlocks, TELEGRAM_LIMITS.messageText, visibleLength).output
    : "";
  let answered = false;
  // Telegram refuses a message whose visible text is empty.
  if (text.replace(/<[^>]*>/g, "").trim() !== "") {
    try {
      await client.api.raw.sendMessage({
        chat_id: target,
        text,
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
      });
    } catch (error) {
      throw telegramError(error, client.token, `reply in ${chatId}`);
    }
    answered = true;
  }
  if (reply.article) {
    await sendTelegramNews(client, chatId, reply.article.message, reply.article.card, {
      ...(answered || replyTo === undefined ? {} : { replyTo }),
    });
  }
}

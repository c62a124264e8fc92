/**
 * A command's answer as Telegram message text. Telegram has no ephemeral
 * messages, so every answer is a normal message in the chat (respond.ts sends
 * it as a reply to the command message, then the article, if any, exactly as
 * a delivery would post it). Pure: no I/O.
 */
import type { CommandReply } from "../../src/chat/types.ts";
import { fitBlocks } from "../../src/message/fit.ts";
import { primaryLanguage } from "../../src/message/labels.ts";
import { TELEGRAM_LIMITS } from "./limits.ts";
import { renderTelegramBlocks, visibleLength } from "./markup.ts";

/**
 * The reply's blocks as one HTML message, cut to fit with "…"; null when
 * nothing would be visible (Telegram refuses a message whose visible text is empty).
 */
export function replyText(reply: CommandReply): string | null {
  const text =
    reply.blocks.length > 0
      ? fitBlocks(reply.blocks, renderTelegramBlocks, TELEGRAM_LIMITS.messageText, visibleLength).output
      : "";
  return text.replace(/<[^>]*>/g, "").trim() === "" ? null : text;
}

/** What the user sees when the handler itself failed: no details, they are in the log. */
export function failureReply(locale: string | null): CommandReply {
  const text =
    primaryLanguage(locale ?? "") === "ko"
      ? "명령을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요."
      : "Herald could not answer this command. Please try again later.";
  return { ephemeral: true, blocks: [{ type: "paragraph", children: [{ type: "text", value: text }] }] };
}

/**
 * A {@link CommandReply} as the body of an interaction's `@original` edit.
 * Text replies are Discord Markdown in `content` (2000 characters, cut at a
 * block boundary by fitBlocks); `/news show` is the same embed a delivery
 * posts, with the card uploaded as `files[0]`. Nothing in a reply may ping.
 */
import type { RawFile } from "@discordjs/rest";
import type { RESTPatchAPIWebhookWithTokenMessageJSONBody } from "discord.js";
import type { Block } from "../../src/article/types.ts";
import type { CommandReply } from "../../src/chat/types.ts";
import { uploadedCard } from "../../src/message/card-placement.ts";
import { fitBlocks } from "../../src/message/fit.ts";
import { formatDiscord } from "./format.ts";
import { DISCORD_LIMITS } from "./limits.ts";
import { renderDiscordBlocks } from "./markup.ts";
import { cardUpload } from "./poster.ts";

export interface RenderedReply {
  body: RESTPatchAPIWebhookWithTokenMessageJSONBody;
  files: RawFile[] | undefined;
}

export function renderReply(reply: CommandReply): RenderedReply {
  const content = replyText(reply.blocks);
  if (reply.article) {
    const { message, card } = reply.article;
    const body: RESTPatchAPIWebhookWithTokenMessageJSONBody = { ...formatDiscord(message, uploadedCard(card)) };
    if (content) body.content = content;
    return { body, files: card ? [cardUpload(card)] : undefined };
  }
  // An empty edit would leave "Herald is thinking…" on screen forever.
  return { body: { content: content || "…", embeds: [], allowed_mentions: { parse: [] } }, files: undefined };
}

function replyText(blocks: Block[]): string {
  return fitBlocks(blocks, renderDiscordBlocks, DISCORD_LIMITS.content).output;
}

/** What the user sees when the command failed inside Herald; details go to the log, not the chat. */
export function failureReply(locale: string | null): CommandReply {
  const text = locale?.toLowerCase().startsWith("ko")
    ? "명령을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요."
    : "Herald could not run this command. Please try again in a moment.";
  return { ephemeral: true, blocks: [{ type: "paragraph", children: [{ type: "text", value: text }] }] };
}

/** The answer to a command Herald does not have (registered by an older version). */
export function unknownCommandText(name: string, locale: string | null): string {
  const safe = name.replace(/[^\w-]/g, "");
  return locale?.toLowerCase().startsWith("ko")
    ? `/${safe} 명령은 더 이상 지원하지 않습니다. /news 또는 /feeds를 사용해 주세요.`
    : `/${safe} is not a Herald command any more. Try /news or /feeds.`;
}

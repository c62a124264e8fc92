/**
 * A command's answer as response_url messages. Text blocks become mrkdwn
 * sections (markup.ts); `ephemeral` maps to `response_type`. Pure: respond.ts
 * sends them, then the article laid out exactly like a delivery (formatSlack),
 * its card uploaded privately and shown through an image block as in channel posts.
 */
import type { RespondArguments } from "@slack/bolt";
import type { SectionBlock } from "@slack/types";
import type { Block } from "../../src/article/types.ts";
import type { CommandReply } from "../../src/chat/types.ts";
import { t } from "../../src/i18n/index.ts";
import { paginate } from "../../src/message/fit.ts";
import { blocksText } from "../../src/message/plain.ts";
import { fitText } from "../../src/text/truncate.ts";
import { SLACK_LIMITS as L } from "./limits.ts";
import { escapeSlackText, renderSlackBlocks } from "./markup.ts";

export function responseType(ephemeral: boolean): "ephemeral" | "in_channel" {
  return ephemeral ? "ephemeral" : "in_channel";
}

/** Text blocks as one response_url message: sections of at most 3000 characters, at most 50. */
export function textReply(blocks: Block[], ephemeral: boolean): RespondArguments {
  const sections = paginate(blocks, renderSlackBlocks, L.sectionText, L.blocksPerMessage).map(
    (text): SectionBlock => ({ type: "section", text: { type: "mrkdwn", text, verbatim: true } }),
  );
  const fallback = fitText(blocksText(blocks), escapeSlackText, L.fallbackText) || "…";
  return {
    response_type: responseType(ephemeral),
    replace_original: false,
    text: fallback,
    ...(sections.length > 0 ? { blocks: sections } : {}),
  };
}

/** What the user sees when the command failed inside Herald; details go to the log, not the chat. */
export function failureReply(locale: string | null): CommandReply {
  return {
    ephemeral: true,
    blocks: [{ type: "paragraph", children: [{ type: "text", value: t(locale, "error.generic") }] }],
  };
}

/**
 * The chat.postMessage arguments (also valid for incoming webhooks) for a
 * news message: a plain fallback `text` plus Block Kit blocks. Pure.
 */
import type { ActionsBlock, ContextBlock, HeaderBlock, ImageBlock, KnownBlock, SectionBlock } from "@slack/types";
import { formatMessageDate } from "../../src/message/date.ts";
import { fitBlocks, paginate } from "../../src/message/fit.ts";
import { labelsFor } from "../../src/message/labels.ts";
import { blocksText } from "../../src/message/plain.ts";
import { timelineBlocks, timelineText } from "../../src/message/timeline.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { fitText, truncate } from "../../src/text/truncate.ts";
import { safeHttpUrl } from "../../src/text/url.ts";
import { SLACK_LIMITS as L } from "./limits.ts";
import { escapeSlackText, renderSlackBlocks } from "./markup.ts";

export interface SlackMessage {
  /** Plain text for notifications and screen readers. */
  text: string;
  blocks: KnownBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

/** More categories than this in the context line reads as noise. */
const MAX_CATEGORIES = 10;

/**
 * @example await client.chat.postMessage({ channel, ...formatSlack(buildMessage(article, { card })) });
 */
export function formatSlack(msg: NewsMessage): SlackMessage {
  const top: KnownBlock[] = [];
  const bottom: KnownBlock[] = [];

  const title = fitText(msg.title, escapeSlackText, L.headerText);
  if (title) top.push({ type: "header", text: { type: "plain_text", text: title, emoji: true } } satisfies HeaderBlock);

  const context = contextLine(msg);
  if (context) top.push({ type: "context", elements: [mrkdwn(context)] } satisfies ContextBlock);

  const image = cardImage(msg);
  if (image) bottom.push(image);
  else if (msg.timeline) {
    const timeline = fitBlocks(timelineBlocks(msg.timeline), renderSlackBlocks, L.sectionText).output;
    if (timeline) bottom.push(section(timeline));
  }

  const url = safeHttpUrl(msg.url);
  if (url && url.length <= L.buttonUrl) {
    bottom.push({
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: "herald_read_more",
          text: { type: "plain_text", text: fitText(msg.readMoreLabel, escapeSlackText, L.buttonText), emoji: true },
          url,
        },
      ],
    } satisfies ActionsBlock);
  }

  const room = L.blocksPerMessage - top.length - bottom.length;
  const body = paginate(msg.blocks, renderSlackBlocks, L.sectionText, room).map(section);

  const fallback = [msg.title, blocksText(msg.blocks)].filter((part) => part.trim() !== "").join("\n");
  return {
    text: fitText(fallback, escapeSlackText, L.fallbackText),
    blocks: [...top, ...body, ...bottom],
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** `verbatim` stops Slack from turning bare names into links or mentions on its own. */
function mrkdwn(text: string) {
  return { type: "mrkdwn" as const, text, verbatim: true };
}

function section(text: string): SectionBlock {
  return { type: "section", text: mrkdwn(text) };
}

/** "source · date · categories", each part escaped, within the context text limit. */
function contextLine(msg: NewsMessage): string {
  const date = formatMessageDate(msg.date, msg.language);
  const categories = msg.categories.filter((c) => c.trim() !== "").slice(0, MAX_CATEGORIES);
  const parts = [msg.source, date, categories.join(", ")].filter((p): p is string => !!p && p.trim() !== "");
  return fitText(parts.join(" · "), escapeSlackText, L.contextText);
}

/** The card, when it has a public URL Slack can fetch. */
function cardImage(msg: NewsMessage): ImageBlock | null {
  const url = safeHttpUrl(msg.card?.url);
  if (!url || url.length > L.imageUrl) return null;
  const alt = timelineText(msg.timeline) || msg.title || labelsFor(msg.language).timeline;
  return { type: "image", image_url: url, alt_text: truncate(alt, L.imageAltText) };
}

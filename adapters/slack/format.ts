/**
 * The chat.postMessage arguments (also valid for incoming webhooks) for a
 * news message: a plain fallback `text` plus Block Kit blocks. Pure: the card
 * is shown from wherever its placement says (card-upload.ts does the upload).
 */
import type { ActionsBlock, ContextBlock, HeaderBlock, ImageBlock, KnownBlock, SectionBlock } from "@slack/types";
import type { HostedCard, LinkedCard, NoCard } from "../../src/message/card-placement.ts";
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
 * What a Slack message can do with a card: show a file Slack holds (the bot's
 * private upload), show a public URL Slack fetches (incoming webhooks), or go
 * without (the timeline as text).
 */
export type SlackCardPlacement = HostedCard | LinkedCard | NoCard;

/**
 * @example await client.chat.postMessage({ channel, ...formatSlack(buildMessage(article), hostedCard(fileId)) });
 */
export function formatSlack(msg: NewsMessage, card: SlackCardPlacement): SlackMessage {
  const top: KnownBlock[] = [];
  const bottom: KnownBlock[] = [];

  const title = fitText(msg.title, escapeSlackText, L.headerText);
  if (title) top.push({ type: "header", text: { type: "plain_text", text: title, emoji: true } } satisfies HeaderBlock);

  const context = contextLine(msg);
  if (context) top.push({ type: "context", elements: [mrkdwn(context)] } satisfies ContextBlock);

  const image = cardImage(msg, card);
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

/** The card's image block: from Slack's own file, or from a public URL Slack can fetch (none for a URL it would refuse). */
function cardImage(msg: NewsMessage, card: SlackCardPlacement): ImageBlock | null {
  const alt = () =>
    truncate(timelineText(msg.timeline) || msg.title || labelsFor(msg.language).timeline, L.imageAltText);
  if (card.kind === "hosted") return { type: "image", slack_file: { id: card.ref }, alt_text: alt() };
  if (card.kind === "none") return null;
  const url = safeHttpUrl(card.url);
  if (!url || url.length > L.imageUrl) return null;
  return { type: "image", image_url: url, alt_text: alt() };
}

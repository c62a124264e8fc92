/**
 * The chat.postMessage arguments (also valid for incoming webhooks) for a
 * news message: a plain fallback `text` plus Block Kit blocks. Pure: the card
 * is shown from wherever its placement says (card-upload.ts does the upload).
 */
import type { ActionsBlock, ContextBlock, HeaderBlock, ImageBlock, KnownBlock, SectionBlock } from "@slack/types";
import type { Notify } from "../../src/adapter.ts";
import { ValidationError } from "../../src/errors.ts";
import type { HostedCard, LinkedCard, NoCard } from "../../src/message/card-placement.ts";
import { formatMessageDate } from "../../src/message/date.ts";
import { fitBlocks, paginate } from "../../src/message/fit.ts";
import { labelsFor } from "../../src/message/labels.ts";
import { blocksText } from "../../src/message/plain.ts";
import { timelineBlocks, timelineText } from "../../src/message/timeline.ts";
import type { NewsMessage, StoryUpdate } from "../../src/message/types.ts";
import { fitText, truncate } from "../../src/text/truncate.ts";
import { safeHttpUrl } from "../../src/text/url.ts";
import { updateLines } from "../shared/story-update.ts";
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
export function formatSlack(msg: NewsMessage, card: SlackCardPlacement, notify?: Notify): SlackMessage {
  if (msg.retraction) return withNotify(retractedMessage(msg, msg.retraction.notice), notify);
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

  // One block is kept for the mention, when one goes in front.
  const mentionBlocks = notify?.mention && !notify.silent ? 1 : 0;
  const room = L.blocksPerMessage - top.length - bottom.length - mentionBlocks;
  const body = paginate(msg.blocks, renderSlackBlocks, L.sectionText, room).map(section);

  const fallback = [msg.title, blocksText(msg.blocks)].filter((part) => part.trim() !== "").join("\n");
  return withNotify(
    {
      text: fitText(fallback, escapeSlackText, L.fallbackText),
      blocks: [...top, ...body, ...bottom],
      unfurl_links: false,
      unfurl_media: false,
    },
    notify,
  );
}

/**
 * A retracted article: a header cannot strike text through, so the title is a section in ~strike~,
 * followed by the notice; no body, card, image or button.
 */
function retractedMessage(msg: NewsMessage, notice: string): SlackMessage {
  // "~" on each side costs two characters of the section limit.
  const title = fitText(msg.title, escapeSlackText, Math.min(L.headerText, L.sectionText - 2));
  const said = fitText(notice, escapeSlackText, L.sectionText);
  const blocks: KnownBlock[] = [];
  if (title) blocks.push(section(`~${title}~`));
  if (said) blocks.push(section(said));
  return {
    text: fitText([notice, msg.title].filter((part) => part.trim() !== "").join(": "), escapeSlackText, L.fallbackText),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

/**
 * The thread reply for a story update: the heading in bold, then each new row as "time — event" (or
 * the summary line), in one section; article text escaped (no `<!channel>` from it) and fitted.
 */
export function formatSlackUpdate(update: StoryUpdate, notify?: Notify): SlackMessage {
  const heading = fitText(update.heading, escapeSlackText, L.headerText);
  const head = heading ? `*${heading}*` : "";
  const url = safeHttpUrl(update.url);
  // A link too long to leave room for the rows is left out: the rows are the update.
  const link = url && url.length <= L.sectionText / 2 ? `\n<${url.replace(/\|/g, "%7C")}>` : "";
  const room = L.sectionText - head.length - link.length - 1;
  const lines = fitText(updateLines(update).join("\n"), escapeSlackText, Math.max(0, room));
  const text = [head, lines].filter((part) => part !== "").join("\n") + link;
  return withNotify({ text, blocks: [section(text)], unfurl_links: false, unfurl_media: false }, notify);
}

/** True when the post mentions someone and is not silent: the mention goes in, and a thread reply is also shown in the channel. */
export function wakes(notify: Notify | undefined): notify is Notify & { mention: string } {
  return Boolean(notify?.mention) && !notify?.silent;
}

/**
 * The destination's mention in front of the message (a section of its own, and the notification text),
 * unless the post is silent. Only this mention is Herald's; article text stays escaped.
 */
function withNotify(message: SlackMessage, notify: Notify | undefined): SlackMessage {
  if (!wakes(notify)) return message;
  const mention = slackMention(notify.mention);
  return {
    ...message,
    text: truncate(`${mention} ${message.text}`, L.fallbackText),
    blocks: [section(mention), ...message.blocks],
  };
}

/**
 * A configured mention in Slack's syntax: `<!here>`, `<!channel>`, `<!everyone>`, `<@U…>`, `<!subteam^S…>`
 * (`@here`/`@channel`/`@everyone` are accepted and written the Slack way). A ValidationError names anything else.
 */
function slackMention(mention: string): string {
  const value = mention.trim();
  const bare = /^@(here|channel|everyone)$/.exec(value);
  if (bare) return `<!${bare[1]}>`;
  if (/^<!(here|channel|everyone)>$|^<@[UW][A-Z0-9]{2,}>$|^<!subteam\^S[A-Z0-9]{2,}>$/.test(value)) return value;
  throw new ValidationError(
    "slack",
    `mention ${JSON.stringify(value.slice(0, 60))} is not a Slack mention: use "<!here>", "<!channel>", "<@U…>" or "<!subteam^S…>"`,
  );
}

/** `verbatim` stops Slack from turning bare names into links or mentions on its own. */
function mrkdwn(text: string) {
  return { type: "mrkdwn" as const, text, verbatim: true };
}

function section(text: string): SectionBlock {
  return { type: "section", text: mrkdwn(text) };
}

/** "updated · source · date · categories", each part escaped, within the context text limit. */
function contextLine(msg: NewsMessage): string {
  const date = formatMessageDate(msg.date, msg.language);
  const categories = msg.categories.filter((c) => c.trim() !== "").slice(0, MAX_CATEGORIES);
  // The updated marker leads, right under the title: members see at once that the story moved.
  const parts = [msg.updatedLabel, msg.source, date, categories.join(", ")].filter(
    (p): p is string => !!p && p.trim() !== "",
  );
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

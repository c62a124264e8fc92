/**
 * The Discord create-message body for a news message: one embed, no pings.
 * Pure: the adapter sends it (with the card PNG as files[0] when the placement
 * is an upload).
 */
import type { APIEmbed, APIEmbedField, RESTPostAPIChannelMessageJSONBody } from "discord-api-types/v10";
import type { NoCard, UploadedCard } from "../../src/message/card-placement.ts";
import { fitBlocks } from "../../src/message/fit.ts";
import { labelsFor } from "../../src/message/labels.ts";
import { timelineBlocks, timelineText } from "../../src/message/timeline.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { fitText, truncate } from "../../src/text/truncate.ts";
import { safeHttpUrl } from "../../src/text/url.ts";
import { DISCORD_LIMITS as L } from "./limits.ts";
import { escapeDiscordMarkdown, neutralizeMassMentions, renderDiscordBlocks } from "./markup.ts";

/** Herald's embed colour (a news red). */
export const EMBED_COLOR = 0xd93f0b;

/** A source is a site or feed name; Discord would allow 2048, but a long footer only crowds out the text. */
const MAX_FOOTER = 256;
/** Most categories are a word or two; more than this many reads as noise. */
const MAX_CATEGORIES = 10;

/** What a Discord message can do with a card: attach it, or go without (the timeline as a field). */
export type DiscordCardPlacement = UploadedCard | NoCard;

/**
 * With an uploaded card, the embed shows `attachment://<filename>` and lists
 * the attachment (id 0, alt text from the timeline); without one, the lead
 * image and the timeline as a field.
 *
 * @example
 * const body = formatDiscord(buildMessage(article, { card: ref }), uploadedCard(file));
 * await rest.post(Routes.channelMessages(channelId), { body, files: [{ name: file.filename, data: file.png }] });
 */
export function formatDiscord(msg: NewsMessage, card: DiscordCardPlacement): RESTPostAPIChannelMessageJSONBody {
  const labels = labelsFor(msg.language);
  const embed: APIEmbed = { color: EMBED_COLOR };

  const title = fitText(msg.title, escapeDiscordMarkdown, L.embedTitle);
  if (title) embed.title = title;
  const url = safeHttpUrl(msg.url);
  if (url) embed.url = url;
  const timestamp = isoInstant(msg.date);
  if (timestamp) embed.timestamp = timestamp;
  if (msg.source)
    embed.footer = { text: truncate(neutralizeMassMentions(msg.source), Math.min(MAX_FOOTER, L.footerText)) };

  const fields = embedFields(msg, card, labels);
  if (fields.length > 0) embed.fields = fields;

  const image = card.kind === "upload" ? `attachment://${card.filename}` : safeHttpUrl(msg.image);
  if (image) embed.image = { url: image };

  // The description gets whatever the 6000-character total leaves.
  const room = Math.min(L.embedDescription, L.embedTotal - embedTextLength(embed));
  const description = fitBlocks(msg.blocks, renderDiscordBlocks, room).output;
  if (description) embed.description = description;

  const body: RESTPostAPIChannelMessageJSONBody = { embeds: [embed], allowed_mentions: { parse: [] } };
  if (card.kind === "upload") {
    const alt = timelineText(msg.timeline) || msg.title;
    body.attachments = [{ id: 0, filename: card.filename, description: truncate(alt, L.attachmentDescription) }];
  }
  return body;
}

function embedFields(
  msg: NewsMessage,
  card: DiscordCardPlacement,
  labels: ReturnType<typeof labelsFor>,
): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  const categories = msg.categories.filter((c) => c.trim() !== "").slice(0, MAX_CATEGORIES);
  if (categories.length > 0) {
    const value = fitText(categories.join(", "), escapeDiscordMarkdown, L.fieldValue);
    if (value) fields.push({ name: labels.categories, value, inline: true });
  }
  // Without the card image, the timeline is listed as text.
  if (card.kind === "none" && msg.timeline) {
    const value = fitBlocks(timelineBlocks(msg.timeline), renderDiscordBlocks, L.fieldValue).output;
    const name = msg.timeline.labels ? msg.timeline.labels.join(" · ") : labels.timeline;
    if (value) fields.push({ name: fitText(name, escapeDiscordMarkdown, L.fieldName) || labels.timeline, value });
  }
  return fields.slice(0, L.embedFields);
}

/** Characters Discord counts towards the 6000 total. */
export function embedTextLength(embed: APIEmbed): number {
  let total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  total += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

function isoInstant(date: string | null): string | null {
  if (!date) return null;
  const time = new Date(date);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

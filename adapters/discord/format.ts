/**
 * The Discord create-message body for a news message: one embed, no pings.
 * Pure: the adapter sends it (with the card PNG as files[0] when the placement
 * is an upload).
 */
import type {
  AllowedMentionsTypes,
  APIEmbed,
  APIEmbedField,
  RESTPostAPIChannelMessageJSONBody,
} from "discord-api-types/v10";
import type { Notify } from "../../src/adapter.ts";
import { ValidationError } from "../../src/errors.ts";
import type { NoCard, UploadedCard } from "../../src/message/card-placement.ts";
import { fitBlocks } from "../../src/message/fit.ts";
import { labelsFor } from "../../src/message/labels.ts";
import { timelineBlocks, timelineText } from "../../src/message/timeline.ts";
import type { NewsMessage, StoryUpdate } from "../../src/message/types.ts";
import { fitText, truncate } from "../../src/text/truncate.ts";
import { safeHttpUrl } from "../../src/text/url.ts";
import { updateLines } from "../shared/story-update.ts";
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
export function formatDiscord(
  msg: NewsMessage,
  card: DiscordCardPlacement,
  notify?: Notify,
): RESTPostAPIChannelMessageJSONBody {
  if (msg.retraction) return withNotify(retractedBody(msg, msg.retraction.notice), notify);
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
  // Shown just above the title, so members see at a glance that the story moved.
  if (msg.updatedLabel) embed.author = { name: truncate(neutralizeMassMentions(msg.updatedLabel), L.authorName) };

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
  return withNotify(body, notify);
}

/**
 * A retracted article: the title struck through, the notice as the text, and nothing else — no body,
 * image, fields or link. `attachments: []` removes a card an edit would otherwise leave in place.
 */
function retractedBody(msg: NewsMessage, notice: string): RESTPostAPIChannelMessageJSONBody {
  const embed: APIEmbed = { color: RETRACTED_COLOR };
  // "~~" costs four characters of the title limit.
  const title = fitText(msg.title, escapeDiscordMarkdown, L.embedTitle - 4);
  if (title) embed.title = `~~${title}~~`;
  const description = fitText(notice, escapeDiscordMarkdown, L.embedDescription);
  if (description) embed.description = description;
  if (msg.source)
    embed.footer = { text: truncate(neutralizeMassMentions(msg.source), Math.min(MAX_FOOTER, L.footerText)) };
  return { embeds: [embed], allowed_mentions: { parse: [] }, attachments: [] };
}

/** A retracted story is shown in grey: nothing to act on any more. */
const RETRACTED_COLOR = 0x808080;

/** Discord's SUPPRESS_NOTIFICATIONS message flag: delivered without a push or a sound. */
export const SUPPRESS_NOTIFICATIONS = 1 << 12;

/**
 * The thread reply for a story update: the heading in bold, then each new row as "time — event" (or
 * the summary line), then the article link (in <…>, so Discord shows no second preview). Article text
 * is escaped and fitted to the 2000-character content limit without splitting a character.
 */
export function formatDiscordUpdate(update: StoryUpdate, notify?: Notify): RESTPostAPIChannelMessageJSONBody {
  const url = safeHttpUrl(update.url);
  const mention = mentionOf(notify);
  const heading = fitText(update.heading, escapeDiscordMarkdown, MAX_UPDATE_HEADING);
  const head = heading ? `**${heading}**` : "";
  // Room left for the mention line withNotify puts in front.
  const withoutLink = L.content - (mention ? mention.length + 1 : 0) - head.length - 1;
  // A link too long to leave room for the rows is left out: the rows are the update.
  const link = url && url.length + 3 <= withoutLink / 2 ? `\n<${url}>` : "";
  const lines = fitText(updateLines(update).join("\n"), escapeDiscordMarkdown, Math.max(0, withoutLink - link.length));
  const content = [head, lines].filter((part) => part !== "").join("\n") + link;
  return withNotify({ content, allowed_mentions: { parse: [] } }, notify);
}

/** A heading is a short "Updated 12:05"; more than this is not a heading. */
const MAX_UPDATE_HEADING = 200;

/**
 * Adds the destination's notification choice to a body: the admin-configured mention in front of the
 * content with `allowed_mentions` allowing exactly it (article text still pings nobody), or, when
 * silent, no mention and SUPPRESS_NOTIFICATIONS.
 */
function withNotify(
  body: RESTPostAPIChannelMessageJSONBody,
  notify: Notify | undefined,
): RESTPostAPIChannelMessageJSONBody {
  if (notify?.silent) return { ...body, flags: SUPPRESS_NOTIFICATIONS };
  const mention = mentionOf(notify);
  if (!mention) return body;
  const content = body.content ? `${mention}\n${body.content}` : mention;
  return { ...body, content: truncate(content, L.content), allowed_mentions: allowedMentionOf(mention) };
}

/** The configured mention that goes in front of the content, or null (none, or a silent destination). */
const mentionOf = (notify: Notify | undefined): string | null =>
  notify && !notify.silent && notify.mention ? notify.mention.trim() : null;

/** `allowed_mentions` for exactly one configured mention; a ValidationError naming it for anything else. */
function allowedMentionOf(mention: string): NonNullable<RESTPostAPIChannelMessageJSONBody["allowed_mentions"]> {
  const role = /^<@&(\d{17,20})>$/.exec(mention);
  if (role?.[1]) return { parse: [], roles: [role[1]] };
  const user = /^<@!?(\d{17,20})>$/.exec(mention);
  if (user?.[1]) return { parse: [], users: [user[1]] };
  // Only when an admin literally configured it: @everyone and @here are both the "everyone" parse type.
  if (mention === "@everyone" || mention === "@here") return { parse: ["everyone" as AllowedMentionsTypes.Everyone] };
  throw new ValidationError(
    "discord",
    `mention ${JSON.stringify(mention.slice(0, 60))} is not a Discord mention: use "<@&role id>", "<@user id>", "@everyone" or "@here"`,
  );
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

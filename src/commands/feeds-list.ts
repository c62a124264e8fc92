import type { Block, Inline } from "../article/types.ts";
import type { CommandReply } from "../chat/types.ts";
import { formatMessageDate } from "../message/date.ts";
import { redactSecrets } from "../net/redact.ts";
import type { FeedRecord } from "../store/index.ts";
import { stripControlsInLine } from "../text/controls.ts";
import { truncate } from "../text/truncate.ts";
import { channelDestinations, channelFeeds, isChatFeed } from "./channel.ts";
import { code, oneLine, paragraph, reply, say, strong, text } from "./reply.ts";
import type { CommandContext } from "./types.ts";

/** Feeds listed in one reply; the rest are counted. */
const MAX_LISTED = 25;
/** Stored poll errors run to 2000 characters; a list line needs the gist. */
const ERROR_LENGTH = 300;

/**
 * `/feeds list`: first why Herald cannot post here (a flagged destination:
 * the bot was removed or lost permissions), then every feed posting to this
 * channel with its address, state, last check and last error.
 */
export async function feedsList(ctx: CommandContext): Promise<CommandReply> {
  const { lang } = ctx;
  const destinationIds = await channelDestinations(ctx);
  const blocks: Block[] = [];
  for (const id of destinationIds) {
    const reason = (await ctx.services.store.getDestination(id))?.flaggedReason;
    if (reason) blocks.push(paragraph([strong(...say(lang, "feeds.list.flagged", { reason: remoteText(reason) }))]));
  }
  const feeds = await channelFeeds(ctx, destinationIds);
  if (feeds.length === 0) {
    blocks.push(paragraph(say(lang, "feeds.list.none", { example: code("/feeds add <url>") })));
    return reply(blocks);
  }
  blocks.push(paragraph(say(lang, "feeds.list.header")));
  blocks.push({ type: "list", ordered: false, items: feeds.slice(0, MAX_LISTED).map((feed) => feedLine(ctx, feed)) });
  if (feeds.length > MAX_LISTED)
    blocks.push(paragraph(say(lang, "feeds.list.more", { count: feeds.length - MAX_LISTED })));
  return reply(blocks);
}

/** A stored reason quoting a remote answer, as one clean line: rows written before redaction existed may still carry secrets. */
function remoteText(value: string): string {
  return oneLine(stripControlsInLine(redactSecrets(value)));
}

function feedLine({ lang }: CommandContext, feed: FeedRecord): Inline[] {
  const where =
    typeof feed.config.url === "string"
      ? feed.config.url
      : typeof feed.config.path === "string"
        ? feed.config.path
        : null;
  const state = say(lang, feed.paused ? "feeds.list.paused" : "feeds.list.active");
  const origin = say(lang, isChatFeed(feed) ? "feeds.list.fromChat" : "feeds.list.fromConfig");
  const polled = feed.lastPolledAt
    ? say(lang, "feeds.list.lastPolled", { date: formatMessageDate(feed.lastPolledAt, lang) ?? feed.lastPolledAt })
    : say(lang, "feeds.list.neverPolled");
  // Shown as text, not a link: the address is what the admin needs to see, and adapters escape it.
  const line: Inline[] = [code(feed.id), text(` (${feed.type})`)];
  if (where) line.push(text(` ${where}`));
  line.push(
    { type: "break" },
    ...(feed.paused ? [strong(...state)] : state),
    text(" · "),
    ...origin,
    text(" · "),
    ...polled,
  );
  if (feed.lastError) {
    line.push(
      { type: "break" },
      ...say(lang, "feeds.list.lastError", { error: truncate(remoteText(feed.lastError), ERROR_LENGTH) }),
    );
  }
  return line;
}

import type { CommandReply } from "../chat/types.ts";
import { articleLine } from "./article-line.ts";
import { channelFeeds } from "./channel.ts";
import { code, paragraph, reply, say, sayReply } from "./reply.ts";
import type { CommandContext } from "./types.ts";
import { LATEST_DEFAULT, LATEST_MAX, LATEST_MIN } from "./usage.ts";

/** `/news latest [count]`: the newest articles from the feeds that post to this channel. */
export async function newsLatest(ctx: CommandContext): Promise<CommandReply> {
  const { lang } = ctx;
  const raw = (ctx.request.options.count ?? "").trim();
  const count = raw === "" ? LATEST_DEFAULT : parseCount(raw);
  if (count === null) return sayReply(lang, "latest.badCount", { min: LATEST_MIN, max: LATEST_MAX, value: raw });

  const feeds = await channelFeeds(ctx);
  if (feeds.length === 0) return sayReply(lang, "news.noFeeds", { example: code("/feeds add <url>") });
  const stored = await ctx.services.store.latestArticles({ feedIds: feeds.map((feed) => feed.id), limit: count });
  if (stored.length === 0) return sayReply(lang, "latest.none");
  return reply([
    paragraph(say(lang, "latest.header")),
    { type: "list", ordered: false, items: stored.map(({ article }) => articleLine(article, lang)) },
  ]);
}

/** A whole number in range, or null ("3.5", "-1", "1e1", "abc" and out-of-range values are refused). */
function parseCount(raw: string): number | null {
  if (!/^\d{1,3}$/.test(raw)) return null;
  const count = Number(raw);
  return count >= LATEST_MIN && count <= LATEST_MAX ? count : null;
}

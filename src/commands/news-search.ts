import type { Inline } from "../article/types.ts";
import type { CommandReply } from "../chat/types.ts";
import { MAX_QUERY_LENGTH, type SearchHit, SearchQueryError } from "../store/index.ts";
import { articleLine } from "./article-line.ts";
import { channelFeeds } from "./channel.ts";
import { code, oneLine, paragraph, reply, say, sayReply, text } from "./reply.ts";
import type { CommandContext } from "./types.ts";

/** Hits shown per search: a reply, not a results page. */
export const SEARCH_RESULTS = 5;

/**
 * `/news search <words>`. Searches the articles of this channel's feeds, so
 * a member finds what was posted here; a channel without feeds has nothing
 * to search (other servers' feeds are theirs) and says so.
 */
export async function newsSearch(ctx: CommandContext): Promise<CommandReply> {
  const { lang } = ctx;
  const query = (ctx.request.options.query ?? "").trim();
  if (query === "") return sayReply(lang, "search.empty", { example: code("/news search 장애") });
  const length = Array.from(query).length;
  if (length > MAX_QUERY_LENGTH) return sayReply(lang, "search.tooLong", { length, max: MAX_QUERY_LENGTH });

  const feeds = await channelFeeds(ctx);
  if (feeds.length === 0) return sayReply(lang, "news.noFeeds", { example: code("/feeds add <url>") });
  let hits: SearchHit[];
  try {
    hits = await ctx.services.store.searchArticles(query, {
      limit: SEARCH_RESULTS,
      feedIds: feeds.map((feed) => feed.id),
    });
  } catch (error) {
    // The store's own wording names the problem ("has no letters or digits to search for") and is safe to show.
    if (error instanceof SearchQueryError) return sayReply(lang, "search.invalid", { reason: error.message });
    throw error;
  }
  if (hits.length === 0) return sayReply(lang, "search.none", { query });
  return reply([
    paragraph(say(lang, "search.header", { query })),
    {
      type: "list",
      ordered: false,
      items: hits.map((hit): Inline[] => {
        const line = articleLine(hit.article, lang);
        // Snippets are untrusted article text: a text inline, which every adapter escapes.
        return hit.snippet ? [...line, { type: "break" }, text(oneLine(hit.snippet))] : line;
      }),
    },
  ]);
}

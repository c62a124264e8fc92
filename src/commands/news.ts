import type { CommandReply } from "../chat/types.ts";
import { newsLatest } from "./news-latest.ts";
import { newsSearch } from "./news-search.ts";
import { newsShow } from "./news-show.ts";
import { newsTrace } from "./news-trace.ts";
import type { CommandContext } from "./types.ts";
import { usageReply } from "./usage.ts";

/** `/news …`: anyone in the channel; `/news trace` admins only. */
export async function runNews(ctx: CommandContext): Promise<CommandReply> {
  switch (ctx.request.subcommand?.trim().toLowerCase()) {
    case "latest":
      return await newsLatest(ctx);
    case "search":
      return await newsSearch(ctx);
    case "show":
      return await newsShow(ctx);
    case "trace":
      return await newsTrace(ctx);
    default:
      return usageReply(ctx.lang, "news", ctx.request.subcommand);
  }
}

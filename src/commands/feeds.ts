import type { CommandReply } from "../chat/types.ts";
import { feedsAdd } from "./feeds-add.ts";
import { feedsList } from "./feeds-list.ts";
import { feedsRemove, feedsSetPaused } from "./feeds-manage.ts";
import { sayReply } from "./reply.ts";
import type { CommandContext } from "./types.ts";
import { usageReply } from "./usage.ts";

/** `/feeds …`: admins only, checked before anything else is read or changed. */
export async function runFeeds(ctx: CommandContext): Promise<CommandReply> {
  if (!(await ctx.request.isAdmin())) return sayReply(ctx.lang, "feeds.notAdmin");
  switch (ctx.request.subcommand?.trim().toLowerCase()) {
    case "list":
      return await feedsList(ctx);
    case "add":
      return feedsAdd(ctx);
    case "remove":
      return feedsRemove(ctx);
    case "pause":
      return feedsSetPaused(ctx, true);
    case "resume":
      return feedsSetPaused(ctx, false);
    default:
      return usageReply(ctx.lang, "feeds", ctx.request.subcommand);
  }
}

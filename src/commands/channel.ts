import type { FeedRecord } from "../store/index.ts";
import type { CommandContext } from "./types.ts";

/** The destination ids that deliver to the channel the command was typed in. */
export async function channelDestinations(ctx: CommandContext): Promise<string[]> {
  const { platform, channelId } = ctx.request;
  return [...new Set(await ctx.services.destinationsFor(platform, channelId))];
}

/** Feeds posting to this channel (through any of its destinations), by id. */
export async function channelFeeds(ctx: CommandContext, destinations?: string[]): Promise<FeedRecord[]> {
  const destinationIds = destinations ?? (await channelDestinations(ctx));
  const byId = new Map<string, FeedRecord>();
  for (const destinationId of destinationIds) {
    for (const feed of await ctx.services.store.listFeeds({ destinationId })) byId.set(feed.id, feed);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** True for feeds an admin added with `/feeds add`; config-file feeds carry no `addedBy`. */
export function isChatFeed(feed: FeedRecord): boolean {
  return typeof feed.config.addedBy === "string";
}

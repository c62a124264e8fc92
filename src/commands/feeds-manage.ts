import type { CommandReply } from "../chat/types.ts";
import type { FeedRecord } from "../store/index.ts";
import { channelDestinations, isChatFeed } from "./channel.ts";
import { notifyFeedsChanged } from "./feeds-changed.ts";
import { code, sayReply } from "./reply.ts";
import type { CommandContext } from "./types.ts";

type Found = { feed: FeedRecord; here: Set<string> };

/**
 * The feed named by the `id` option, if it posts to this channel. Feeds of
 * other channels are answered exactly like ids that do not exist, so one
 * server's admins learn nothing about another's feeds.
 */
async function channelFeed(ctx: CommandContext, subcommand: string): Promise<Found | { reply: CommandReply }> {
  const { lang } = ctx;
  const list = code("/feeds list");
  const id = (ctx.request.options.id ?? "").trim();
  if (id === "")
    return { reply: sayReply(lang, "feeds.missingId", { example: code(`/feeds ${subcommand} <id>`), list }) };
  const store = ctx.services.store;
  const feed = (await store.getFeed(id)) ?? (await store.getFeed(id.toLowerCase()));
  const here = new Set(await channelDestinations(ctx));
  if (!feed?.destinationIds.some((destination) => here.has(destination))) {
    return { reply: sayReply(lang, "feeds.unknown", { id: code(id), list }) };
  }
  return { feed, here };
}

/**
 * `/feeds remove <id>`: only feeds added from chat (config-file feeds are
 * the operator's; they are removed there). A chat feed that also posts
 * elsewhere is only detached from this channel.
 */
export async function feedsRemove(ctx: CommandContext): Promise<CommandReply> {
  const found = await channelFeed(ctx, "remove");
  if ("reply" in found) return found.reply;
  const { feed, here } = found;
  const { lang, services } = ctx;
  if (!isChatFeed(feed)) return sayReply(lang, "feeds.remove.config", { id: code(feed.id) });
  const elsewhere = feed.destinationIds.filter((destination) => !here.has(destination));
  if (elsewhere.length > 0) {
    await services.store.upsertFeed({ id: feed.id, type: feed.type, config: feed.config, destinationIds: elsewhere });
  } else {
    await services.store.removeFeed(feed.id);
  }
  await notifyFeedsChanged(ctx, feed.id);
  return sayReply(lang, "feeds.remove.done", { id: code(feed.id) });
}

/**
 * `/feeds pause <id>` and `/feeds resume <id>`: for any feed that posts only
 * to this channel, config feeds included. A feed that also posts to other
 * channels (perhaps on other servers or platforms) is refused: pausing it
 * here would silence it there too.
 */
export async function feedsSetPaused(ctx: CommandContext, paused: boolean): Promise<CommandReply> {
  const found = await channelFeed(ctx, paused ? "pause" : "resume");
  if ("reply" in found) return found.reply;
  const { feed, here } = found;
  const { lang, services } = ctx;
  const id = code(feed.id);
  if (feed.destinationIds.some((destination) => !here.has(destination))) return sayReply(lang, "feeds.shared", { id });
  if (feed.paused === paused) return sayReply(lang, paused ? "feeds.pause.already" : "feeds.resume.already", { id });
  await services.store.setFeedPaused(feed.id, paused);
  await notifyFeedsChanged(ctx, feed.id);
  return paused
    ? sayReply(lang, "feeds.pause.done", { id, resume: code(`/feeds resume ${feed.id}`) })
    : sayReply(lang, "feeds.resume.done", { id });
}

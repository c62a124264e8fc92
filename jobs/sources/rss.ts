import { createHash } from "node:crypto";
import { configuredFeed } from "../../config/lookup.ts";
import type { FeedConfig } from "../../config/schema.ts";
import { articleFieldsOf } from "../../src/feed/items.ts";
import { type FeedItem, FeedParseError } from "../../src/feed/parse.ts";
import { FetchError, fetchFeed } from "../../src/net/fetch.ts";
import type { PipelineContext } from "../pipeline/context.ts";
import type { PollJobData } from "../queues.ts";
import { itemsToPostOnFirstRun } from "./first-run.ts";

export type PollOutcome =
  | { status: "not-modified" }
  | { status: "polled"; items: number; queued: number; firstRun: boolean; heldBack: number }
  | { status: "error"; error: string }
  | { status: "skipped"; reason: string };

/**
 * One poll of an RSS/Atom/JSON feed: conditional GET, parse, and an ingest
 * job for each new or changed item. A feed that is broken (bad XML, not a
 * feed, 404) is recorded on the feed and retried at the next interval; it
 * never blocks other feeds.
 */
export async function processPoll(data: PollJobData, ctx: PipelineContext): Promise<PollOutcome> {
  const feed = await ctx.store.getFeed(data.feedId);
  const configured = configuredFeed(ctx.config, data.feedId);
  const url =
    (configured as Extract<FeedConfig, { type: "rss" }> | undefined)?.url ?? (feed?.config.url as string | undefined);
  if (!feed || !url) return { status: "skipped", reason: "feed no longer exists" };
  if (feed.paused) return { status: "skipped", reason: "paused" };
  const log = ctx.log.child({ feedId: feed.id });

  let result: Awaited<ReturnType<typeof fetchFeed>>;
  try {
    result = await fetchFeed(url, {
      etag: feed.etag,
      lastModified: feed.lastModified,
      // Feeds from the config file are the admin's own choice; feeds added from chat are checked (see /feeds add).
      allowPrivate: configured ? true : ctx.config.security.allowPrivateFeedUrls,
    });
  } catch (error) {
    const message = (error as Error).message;
    ctx.metrics.feedPoll("error");
    await ctx.alerts.feedPolled(feed.id, await ctx.store.recordFeedError(feed.id, message), message);
    log.warn({ err: message }, "feed fetch failed");
    if (error instanceof FetchError && error.retryable) throw error;
    return { status: "error", error: message };
  }
  if (result.status === 304 || !result.body) {
    ctx.metrics.feedPoll(result.status === 304 ? "304" : "200");
    await ctx.alerts.feedPolled(feed.id, await ctx.store.recordFeedError(feed.id, null), null);
    return { status: "not-modified" };
  }

  let items: FeedItem[];
  let siteLink: string | null;
  try {
    const parsed = await ctx.untrusted.feed({
      bytes: result.body,
      options: { source: `${feed.id} (${result.finalUrl})`, url: result.finalUrl, contentType: result.contentType },
    });
    items = parsed.items;
    siteLink = parsed.link;
    ctx.metrics.feedPoll("200");
  } catch (error) {
    const message = error instanceof FeedParseError ? error.message : `${feed.id}: ${(error as Error).message}`;
    ctx.metrics.feedPoll("error");
    await ctx.alerts.feedPolled(feed.id, await ctx.store.recordFeedError(feed.id, message), message);
    log.warn({ err: message }, "feed parse failed");
    return { status: "error", error: message };
  }

  const firstRun = !feed.firstRunDoneAt;
  const fresh: typeof items = [];
  for (const item of items) if ((await ctx.store.getItemHash(feed.id, item.key)) !== itemHash(item)) fresh.push(item);
  const newestFirst = [...fresh].sort((a, b) => (b.date ?? "").localeCompare(a.date ?? ""));
  const backfill = configured?.backfill ?? (typeof feed.config.backfill === "number" ? feed.config.backfill : 0);
  const wanted = firstRun ? [...itemsToPostOnFirstRun(newestFirst, backfill)] : newestFirst;
  // No feed floods a channel in one poll: past the newest `itemsPerPoll`, new items are marked seen without posting.
  const cap = ctx.config.limits.itemsPerPoll;
  const toPost = new Set(wanted.slice(0, cap));
  const heldBack = wanted.length - toPost.size;
  for (const item of fresh) {
    const hash = itemHash(item);
    if (toPost.has(item) && item.title) {
      await ctx.ingestQueue.add(
        "ingest",
        {
          feedId: feed.id,
          input: item.url ?? `${feed.id}#${item.key}`,
          kind: "fields",
          fields: articleFieldsOf(item),
        },
        { jobId: `${feed.id}.${sha(item.key)}.${hash.slice(0, 16)}` },
      );
    }
    await ctx.store.markItemSeen(feed.id, item.key, hash);
  }
  await ctx.store.saveFeedHttpCache(feed.id, { etag: result.etag, lastModified: result.lastModified });
  await ctx.alerts.feedPolled(feed.id, await ctx.store.recordFeedError(feed.id, null), null);
  if (firstRun) await ctx.store.markFirstRunDone(feed.id);
  if (heldBack > 0) {
    log.warn(
      { items: items.length, queued: toPost.size, heldBack, itemsPerPoll: cap, firstRun, site: siteLink },
      `feed polled; ${heldBack} new items held back (limits.itemsPerPoll is ${cap})`,
    );
  } else {
    log.info({ items: items.length, queued: toPost.size, firstRun, site: siteLink }, "feed polled");
  }
  return { status: "polled", items: items.length, queued: toPost.size, firstRun, heldBack };
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

/** What makes an item "changed": its visible content, not its position in the feed. */
function itemHash(item: FeedItem): string {
  return createHash("sha256")
    .update(JSON.stringify([item.title, item.url, item.date, item.html, item.summary, item.categories, item.image]))
    .digest("hex");
}

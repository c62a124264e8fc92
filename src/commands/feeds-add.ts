import type { CommandReply } from "../chat/types.ts";
import { FeedParseError, type ParsedFeed, parseFeed } from "../feed/parse.ts";
import type { Language } from "../i18n/index.ts";
import { FetchError, type FetchResult, fetchFeed } from "../net/fetch.ts";
import { redactUrl } from "../net/redact.ts";
import { assertPublicAddress, assertPublicHttpUrl, UnsafeUrlError } from "../net/ssrf.ts";
import type { FeedRecord } from "../store/index.ts";
import { truncate } from "../text/truncate.ts";
import { channelDestinations, channelFeeds } from "./channel.ts";
import { newFeedId } from "./feed-id.ts";
import { notifyFeedsChanged } from "./feeds-changed.ts";
import { code, oneLine, paragraph, reply, say, sayReply } from "./reply.ts";
import { type CommandContext, DEFAULT_FEED_LIMITS, type FeedLimits } from "./types.ts";

/** Poll interval of chat-added feeds, as the config's default: 5 minutes. */
export const CHAT_FEED_INTERVAL_MS = 300_000;
const MAX_URL_LENGTH = 2048;
/** Feed titles become the source name on posts; a line, not a paragraph. */
const MAX_NAME_LENGTH = 100;

/** What the atomic add answers when the random id it was given was taken meanwhile: pick another and try again. */
const ID_TAKEN = Symbol("feed id taken");

/**
 * `/feeds add <url>`: checks the address (http(s), public unless
 * `allowPrivateFeedUrls`), fetches it once through the SSRF-guarded fetch
 * (which re-checks every redirect and the address it connects to), parses
 * it to be sure it is a feed, and stores it for this channel under a new
 * readable id. Its first poll records the items already there without
 * posting them. Refused, before anything is fetched and again when storing,
 * once the channel or Herald has as many feeds as `limits` allows.
 */
export async function feedsAdd(ctx: CommandContext): Promise<CommandReply> {
  const { lang, services, request } = ctx;
  const raw = (request.options.url ?? "").trim();
  if (raw === "")
    return sayReply(lang, "feeds.add.missing", { example: code("/feeds add https://example.com/feed.xml") });
  if (raw.length > MAX_URL_LENGTH)
    return sayReply(lang, "feeds.add.tooLong", { length: raw.length, max: MAX_URL_LENGTH });
  // Echoed back in replies, which platforms keep: never with a password in it.
  const shown = truncate(redactUrl(raw), 300);

  let url: URL;
  try {
    url = assertPublicHttpUrl(raw);
  } catch (error) {
    if (error instanceof UnsafeUrlError)
      return sayReply(lang, "feeds.add.unsafe", { url: shown, reason: error.reason });
    throw error;
  }
  const known = await duplicateOf(ctx, [url.href]);
  if (known) return sayReply(lang, "feeds.add.duplicate", { url: shown, id: code(known.id) });
  const full = await limitReached(ctx);
  if (full) return full;

  const allowPrivate = services.allowPrivateFeedUrls;
  try {
    // fetchFeed checks again; checking here first means a refused address is never connected to, whatever fetchFeed does.
    await assertPublicAddress(url.hostname, { allowPrivate });
  } catch (error) {
    if (error instanceof UnsafeUrlError)
      return sayReply(lang, "feeds.add.unsafe", { url: shown, reason: error.reason });
    return sayReply(lang, "feeds.add.unresolvable", { url: shown, host: url.hostname });
  }

  const fetched = await fetchOnce(ctx, url.href, shown);
  if ("reply" in fetched) return fetched.reply;
  const { result, feed } = fetched;

  const title = feed.title ? truncate(oneLine(feed.title), MAX_NAME_LENGTH) : "";
  const store = services.store;
  const destinationId = await services.ensureDestination(request.platform, request.channelId);
  const here = new Set([...(await channelDestinations(ctx)), destinationId]);
  const limits = services.limits ?? DEFAULT_FEED_LIMITS;
  const config = {
    url: url.href,
    interval: CHAT_FEED_INTERVAL_MS,
    addedBy: request.userId,
    backfill: 0,
    ...(title ? { name: title } : {}),
  };
  let id = "";
  let refusal: CommandReply | typeof ID_TAKEN | null = ID_TAKEN;
  // Rechecked atomically with the insert, fleet-wide: another admin may have added the same feed, filled the
  // channel, or taken the same random id while this one was being fetched.
  for (let attempt = 0; refusal === ID_TAKEN && attempt < 3; attempt++) {
    const taken = new Set((await store.listFeeds()).map((f) => f.id));
    id = newFeedId(title, url.hostname, (candidate) => taken.has(candidate));
    const candidateId = id;
    refusal = await store.createFeedUnless({ id, type: "rss", config, destinationIds: [destinationId] }, (all) => {
      if (all.some((f) => f.id === candidateId)) return ID_TAKEN;
      const channel = all.filter((f) => f.destinationIds.some((d) => here.has(d)));
      const again = duplicateIn(channel, [url.href, result.finalUrl]);
      if (again) return sayReply(lang, "feeds.add.duplicate", { url: shown, id: code(again.id) });
      return limitRefusal(lang, limits, channel.length, all.length);
    });
  }
  if (refusal === ID_TAKEN) throw new Error(`no free feed id found for ${url.hostname}`);
  if (refusal) return refusal;
  await notifyFeedsChanged(ctx, id);
  return reply([
    paragraph(say(lang, "feeds.add.done", { id: code(id), title: title || url.hostname })),
    paragraph(say(lang, "feeds.add.firstRun", { count: feed.items.length })),
  ]);
}

/** The refusal when this channel, or Herald as a whole, already has as many feeds as allowed; else null. */
async function limitReached(ctx: CommandContext): Promise<CommandReply | null> {
  const { lang, services } = ctx;
  const here = (await channelFeeds(ctx)).length;
  const total = (await services.store.listFeeds()).length;
  return limitRefusal(lang, services.limits ?? DEFAULT_FEED_LIMITS, here, total);
}

function limitRefusal(lang: Language, limits: FeedLimits, here: number, total: number): CommandReply | null {
  if (here >= limits.feedsPerChannel) {
    return sayReply(lang, "feeds.add.channelLimit", {
      count: here,
      max: limits.feedsPerChannel,
      remove: code("/feeds remove <id>"),
    });
  }
  if (total >= limits.feeds) return sayReply(lang, "feeds.add.totalLimit", { count: total, max: limits.feeds });
  return null;
}

/** Fetches and parses the feed, or says why not. */
async function fetchOnce(
  ctx: CommandContext,
  url: string,
  shown: string,
): Promise<{ result: FetchResult; feed: ParsedFeed } | { reply: CommandReply }> {
  const { lang, services } = ctx;
  let result: FetchResult;
  try {
    result = await fetchFeed(url, {
      allowPrivate: services.allowPrivateFeedUrls,
      ...(services.fetchTimeoutMs === undefined ? {} : { timeoutMs: services.fetchTimeoutMs }),
    });
  } catch (error) {
    // A redirect to a refused address, or a connection that resolved somewhere it must not go.
    if (error instanceof UnsafeUrlError) {
      const redirected = error.target !== redactUrl(url);
      return {
        reply: redirected
          ? sayReply(lang, "feeds.add.unsafeRedirect", {
              url: shown,
              target: truncate(error.target, 300),
              reason: error.reason,
            })
          : sayReply(lang, "feeds.add.unsafe", { url: shown, reason: error.reason }),
      };
    }
    if (error instanceof FetchError)
      return { reply: sayReply(lang, "feeds.add.fetchFailed", { url: shown, reason: reasonOf(error) }) };
    throw error;
  }
  try {
    const feed = parseFeed(result.body ?? new Uint8Array(), {
      source: url,
      url: result.finalUrl,
      contentType: result.contentType,
    });
    return { result, feed };
  } catch (error) {
    if (error instanceof FeedParseError)
      return { reply: sayReply(lang, "feeds.add.notAFeed", { url: shown, reason: error.reason }) };
    throw error;
  }
}

/** FetchError messages start with the URL, which the reply already names. */
function reasonOf(error: FetchError): string {
  const prefix = `${error.url}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** The feed of this channel that already fetches one of `urls`, if any. */
async function duplicateOf(ctx: CommandContext, urls: string[]): Promise<FeedRecord | null> {
  return duplicateIn(await channelFeeds(ctx), urls);
}

function duplicateIn(feeds: readonly FeedRecord[], urls: string[]): FeedRecord | null {
  const wanted = new Set(urls.map(normalizeUrl));
  return feeds.find((feed) => typeof feed.config.url === "string" && wanted.has(normalizeUrl(feed.config.url))) ?? null;
}

function normalizeUrl(value: string): string {
  try {
    const url = new URL(value);
    url.hash = "";
    return url.href;
  } catch {
    return value;
  }
}

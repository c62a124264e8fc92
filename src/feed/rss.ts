import type { RdfFeed, RssFeed } from "feedsmith";
import { parseFeedDate } from "./date.ts";
import { absolutizeHtmlUrls, collapse, htmlToText, looksLikeHtml } from "./html.ts";
import { uniqueStrings } from "./items.ts";
import { pickImage } from "./media.ts";
import type { ItemCandidate, ParsedFeed } from "./types.ts";
import { documentBase, resolveBase, resolveHttpUrl } from "./url.ts";

type RssItem = RssFeed.Item<string>;

/** Maps a feedsmith RSS 0.9x/2.0 or RDF (RSS 1.0) feed to Herald's feed shape. */
export function fromRss(
  feed: RssFeed.Feed<string> | RdfFeed.Feed<string>,
  feedUrl: string | null,
): Omit<ParsedFeed, "items"> & { items: ItemCandidate[] } {
  const baseUrl = documentBase(feedUrl, feed.atom?.links?.find((candidate) => candidate.rel === "self")?.href);
  const xmlBase = resolveBase(feed.xml?.base, baseUrl);
  const link = resolveHttpUrl(feed.link, xmlBase);
  const channelAuthor = firstAuthor(feed as RssFeed.Feed<string>);
  // RDF items are a subset of RSS items (no guid, pubDate, enclosures).
  const items = (feed.items ?? []) as RssItem[];
  return {
    format: "rss",
    title: plainTitle(feed.title) ?? plainTitle(feed.dc?.titles?.[0]),
    link,
    language:
      collapse("language" in feed ? feed.language : undefined) ??
      collapse(feed.dc?.languages?.[0]) ??
      collapse(feed.xml?.lang),
    items: items.map((item) => fromRssItem(item, { feedXmlBase: feed.xml?.base, baseUrl, link, channelAuthor })),
  };
}

interface ChannelContext {
  feedXmlBase: string | undefined;
  /** The fetch URL, else the feed's rel="self" URL (see documentBase). */
  baseUrl: string | null;
  link: string | null;
  channelAuthor: string | null;
}

function fromRssItem(item: RssItem, channel: ChannelContext): ItemCandidate {
  const hasXmlBase = Boolean(item.xml?.base || channel.feedXmlBase);
  const linkBase = resolveBase(item.xml?.base, channel.feedXmlBase, channel.link, channel.baseUrl);
  const guid = collapse(item.guid?.value);
  const url =
    resolveHttpUrl(item.link, linkBase) ??
    (guid && item.guid?.isPermaLink !== false ? resolveHttpUrl(guid, linkBase) : null);
  const htmlBase = hasXmlBase ? linkBase : (url ?? linkBase);

  const body = item.content?.encoded?.trim() || item.description?.trim() || null;
  const summarySource = item.description?.trim() || item.content?.encoded?.trim() || null;
  return {
    key: guid ?? url,
    title: plainTitle(item.title ?? item.dc?.titles?.[0]),
    url,
    date: parseFeedDate(item.pubDate) ?? parseFeedDate(item.dc?.dates?.[0]) ?? parseFeedDate(item.atom?.updated),
    html: body ? absolutizeHtmlUrls(body, htmlBase) : null,
    summary: htmlToText(summarySource),
    categories: uniqueStrings([...(item.categories ?? []).map((c) => c.name), ...(item.dc?.subjects ?? [])]),
    image: resolveHttpUrl(pickImage(item.media, item.enclosures) ?? item.itunes?.image, linkBase),
    author: firstAuthor(item) ?? channel.channelAuthor,
  };
}

/** RSS titles are plain text by the spec but HTML-escaped in practice; read them as HTML only when they carry markup. */
export function plainTitle(title: string | null | undefined): string | null {
  if (!title) return null;
  return looksLikeHtml(title) ? htmlToText(title) : collapse(title);
}

function firstAuthor(source: {
  authors?: RssFeed.Person[];
  dc?: { creators?: string[] };
  itunes?: { author?: string };
}): string | null {
  const person = source.authors?.[0];
  return (
    collapse(person?.name) ??
    collapse(source.dc?.creators?.[0]) ??
    collapse(source.itunes?.author) ??
    collapse(person?.email)
  );
}

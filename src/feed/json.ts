import type { JsonFeed } from "feedsmith";
import { parseFeedDate } from "./date.ts";
import { absolutizeHtmlUrls, collapse, htmlToText } from "./html.ts";
import { textToHtml, uniqueStrings } from "./items.ts";
import type { ItemCandidate, ParsedFeed } from "./types.ts";
import { resolveHttpUrl } from "./url.ts";

type Item = JsonFeed.Item<string>;

/** Maps a feedsmith JSON Feed 1.0/1.1 to Herald's feed shape. */
export function fromJson(
  feed: JsonFeed.Feed<string>,
  feedUrl: string | null,
): Omit<ParsedFeed, "items"> & { items: ItemCandidate[] } {
  const link = resolveHttpUrl(feed.home_page_url, feedUrl);
  const base = link ?? resolveHttpUrl(feed.feed_url, feedUrl) ?? feedUrl;
  const feedAuthor = collapse(feed.authors?.[0]?.name);
  return {
    format: "json",
    title: collapse(feed.title),
    link,
    language: collapse(feed.language),
    items: (feed.items ?? []).map((item) => fromItem(item, base, feedAuthor)),
  };
}

function fromItem(item: Item, base: string | null, feedAuthor: string | null): ItemCandidate {
  const url = resolveHttpUrl(item.url, base) ?? resolveHttpUrl(item.external_url, base);
  const itemBase = url ?? base;
  const body = item.content_html?.trim() || textToHtml(item.content_text);
  return {
    // feedsmith turns numeric ids into strings; an id is opaque, so it is kept as written.
    key: collapse(item.id) ?? url,
    title: collapse(item.title),
    url,
    date: parseFeedDate(item.date_published) ?? parseFeedDate(item.date_modified),
    html: body ? absolutizeHtmlUrls(body, itemBase) : null,
    summary: collapse(item.summary) ?? collapse(item.content_text) ?? htmlToText(item.content_html),
    categories: uniqueStrings(item.tags ?? []),
    image: resolveHttpUrl(item.image, itemBase) ?? resolveHttpUrl(item.banner_image, itemBase),
    author: collapse(item.authors?.[0]?.name) ?? feedAuthor,
  };
}

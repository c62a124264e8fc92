import type { AtomFeed } from "feedsmith";
import { parseFeedDate } from "./date.ts";
import { absolutizeHtmlUrls, collapse, htmlToText } from "./html.ts";
import { textToHtml, uniqueStrings } from "./items.ts";
import { pickImage } from "./media.ts";
import type { ItemCandidate, ParsedFeed } from "./types.ts";
import { resolveBase, resolveHttpUrl } from "./url.ts";

type Entry = AtomFeed.Entry<string>;
type Link = AtomFeed.Link<string>;

/** Maps a feedsmith Atom 1.0 / 0.3 feed to Herald's feed shape. */
export function fromAtom(feed: AtomFeed.Feed<string>, feedUrl: string | null): Omit<ParsedFeed, "items"> & { items: ItemCandidate[] } {
  const feedBase = resolveBase(feed.xml?.base, feedUrl);
  const feedAuthor = collapse(feed.authors?.[0]?.name);
  return {
    format: "atom",
    title: textConstructToPlain(feed.title),
    link: resolveHttpUrl(alternateLink(feed.links), feedBase),
    language: collapse(feed.xml?.lang) ?? collapse(feed.dc?.languages?.[0]),
    items: (feed.entries ?? []).map((entry) => fromEntry(entry, feedBase, Boolean(feed.xml?.base), feedAuthor)),
  };
}

function fromEntry(entry: Entry, feedBase: string | null, feedHasXmlBase: boolean, feedAuthor: string | null): ItemCandidate {
  const entryBase = resolveBase(entry.xml?.base, feedBase);
  const url = resolveHttpUrl(alternateLink(entry.links), entryBase);
  // Atom content is always resolved against xml:base; without one, the
  // entry's own page is the most likely base for its relative links.
  const hasXmlBase = Boolean(entry.content?.xml?.base || entry.xml?.base || feedHasXmlBase);
  const contentBase = resolveBase(entry.content?.xml?.base, hasXmlBase ? entryBase : (url ?? entryBase));

  const body = contentToHtml(entry.content) ?? textConstructToHtml(entry.summary);
  const summary = textConstructToPlain(entry.summary) ?? (body ? htmlToText(body) : null);
  const enclosures = (entry.links ?? [])
    .filter((link) => link.rel === "enclosure")
    .map((link) => ({ url: link.href, type: link.type }));
  return {
    key: collapse(entry.id) ?? url,
    title: textConstructToPlain(entry.title),
    url,
    date: parseFeedDate(entry.published) ?? parseFeedDate(entry.updated) ?? parseFeedDate(entry.dc?.dates?.[0]),
    html: body ? absolutizeHtmlUrls(body, contentBase) : null,
    summary,
    categories: uniqueStrings((entry.categories ?? []).map((c) => c.label ?? c.term)),
    image: resolveHttpUrl(pickImage(entry.media, enclosures), entryBase),
    author: collapse(entry.authors?.[0]?.name) ?? feedAuthor,
  };
}

/** The entry's page: rel="alternate" (or no rel), preferring an HTML type. */
function alternateLink(links: Link[] | undefined): string | null {
  const alternates = (links ?? []).filter((link) => !link.rel || link.rel === "alternate");
  const html = alternates.find((link) => !link.type || /html/i.test(link.type));
  return (html ?? alternates[0])?.href ?? null;
}

/** Atom text types: "text" (and 0.3's "text/plain") is plain, anything with html/xhtml is markup. */
function isMarkup(type: string | undefined): boolean {
  return type !== undefined && /html|xml/i.test(type);
}

function textConstructToPlain(text: AtomFeed.Text | undefined): string | null {
  if (!text?.value) return null;
  return isMarkup(text.type) ? htmlToText(text.value) : collapse(text.value);
}

function textConstructToHtml(text: AtomFeed.Text | undefined): string | null {
  if (!text?.value?.trim()) return null;
  return isMarkup(text.type) ? text.value.trim() : textToHtml(text.value);
}

function contentToHtml(content: AtomFeed.Content | undefined): string | null {
  const value = content?.value?.trim();
  if (!value) return null;
  const type = content?.type;
  if (!type || /^text(?:\/plain)?$/i.test(type)) return textToHtml(value);
  if (isMarkup(type)) return value;
  // Other media types (an inline image, base64 data) are not article text.
  return null;
}

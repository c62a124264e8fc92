/** One entry of a feed, format-neutral. Plain JSON-safe data. */
export interface FeedItem {
  /** Stable identity within the feed: guid / Atom id / JSON id, else the link, else a hash of title and date. */
  key: string;
  title: string | null;
  /** Absolute http(s) URL of the item, or null. */
  url: string | null;
  /** Publication date as ISO 8601 UTC, or null when missing or unreadable. */
  date: string | null;
  /** Body as HTML (content:encoded > content > description/summary), relative URLs made absolute. Unsanitised. */
  html: string | null;
  /** Short plain-text summary (description/summary, else the body's text), whitespace collapsed. */
  summary: string | null;
  categories: string[];
  /** Absolute http(s) URL of the item's lead image, or null. */
  image: string | null;
  author: string | null;
}

export interface ParsedFeed {
  /** RDF (RSS 1.0) feeds are reported as "rss". */
  format: "rss" | "atom" | "json";
  title: string | null;
  /** The site the feed belongs to (channel link / alternate link / home_page_url). */
  link: string | null;
  /** Language tag as the feed states it ("ko", "en-gb"), or null. */
  language: string | null;
  /** In feed order; items without any identity are skipped, duplicate keys keep the first. */
  items: FeedItem[];
}

/** An item as a format mapper produces it, before keys are settled. */
export type ItemCandidate = Omit<FeedItem, "key"> & { key: string | null };

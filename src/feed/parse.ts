import {
  DetectError,
  detectJsonFeed,
  MalformedError,
  parseAtomFeed,
  parseJsonFeed,
  parseRdfFeed,
  parseRssFeed,
} from "feedsmith";
import { fromAtom } from "./atom.ts";
import { inlineBase64Elements } from "./base64.ts";
import { decodeFeedBytes } from "./decode.ts";
import { FeedParseError } from "./errors.ts";
import { finalizeItems } from "./items.ts";
import { fromJson } from "./json.ts";
import { fromRss } from "./rss.ts";
import { localName, sniffDocument } from "./sniff.ts";
import type { ItemCandidate, ParsedFeed } from "./types.ts";
import { resolveHttpUrl } from "./url.ts";

export { FeedParseError } from "./errors.ts";
export type { FeedItem, ParsedFeed } from "./types.ts";

export interface ParseFeedOptions {
  /** Names the feed in error messages: its URL or id. When it is a URL it is also the base for relative links. */
  source: string;
  /** The URL the bytes were fetched from (after redirects), when `source` is an id rather than that URL. */
  url?: string | null | undefined;
  /** The HTTP Content-Type header, whose charset is one of the encoding hints. */
  contentType?: string | null | undefined;
}

type Mapped = Omit<ParsedFeed, "items"> & { items: ItemCandidate[] };

/**
 * Reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or JSON Feed bytes into a
 * format-neutral feed. Decoding follows BOM → XML declaration → HTTP charset
 * → sniffing; dates become ISO UTC; relative URLs become absolute.
 *
 * @throws {FeedParseError} naming `source` and the reason: not a feed (HTML
 *   page, sitemap, other XML/JSON), malformed XML or JSON, unsupported encoding.
 *
 * @example
 * const feed = parseFeed(bytes, { source: "https://example.com/index.xml", contentType });
 * for (const item of feed.items) console.log(item.key, item.title);
 */
export function parseFeed(bytes: Uint8Array, opts: ParseFeedOptions): ParsedFeed {
  const { source } = opts;
  const { text } = decodeFeedBytes(bytes, source, opts.contentType);
  const feedUrl = resolveHttpUrl(opts.url) ?? resolveHttpUrl(source);
  try {
    const mapped = mapDocument(text, source, feedUrl);
    return { ...mapped, items: finalizeItems(mapped.items) };
  } catch (error) {
    if (error instanceof FeedParseError) throw error;
    // A parsed feed whose shape the mappers did not foresee is still the feed's fault, not a crash.
    throw new FeedParseError(source, `unreadable feed: ${(error as Error).message}`, { cause: error });
  }
}

function mapDocument(text: string, source: string, feedUrl: string | null): Mapped {
  const doc = sniffDocument(text);
  switch (doc.kind) {
    case "empty":
      throw new FeedParseError(source, "not a feed (the document is empty)");
    case "html":
      throw new FeedParseError(source, "not a feed (looks like an HTML page)");
    case "other":
      throw new FeedParseError(source, "not a feed (the document is neither XML nor JSON)");
    case "json":
      return mapJson(text, source, feedUrl);
    case "xml":
      return mapXml(text, doc.root, source, feedUrl);
  }
}

function mapJson(text: string, source: string, feedUrl: string | null): Mapped {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FeedParseError(source, `malformed JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!detectJsonFeed(json)) throw new FeedParseError(source, "not a feed (JSON without a JSON Feed version)");
  return fromJson(
    callParser(() => parseJsonFeed(json), source, "JSON"),
    feedUrl,
  );
}

function mapXml(text: string, root: string, source: string, feedUrl: string | null): Mapped {
  switch (localName(root)) {
    case "rss":
      return fromRss(
        callParser(() => parseRssFeed(text), source, "XML"),
        feedUrl,
      );
    case "feed":
      return fromAtom(
        callParser(() => parseAtomFeed(inlineBase64Elements(text)), source, "XML"),
        feedUrl,
      );
    case "rdf":
      return fromRss(
        callParser(() => parseRdfFeed(text), source, "XML"),
        feedUrl,
      );
    case "urlset":
    case "sitemapindex":
      throw new FeedParseError(source, `not a feed (XML root <${root}> is a sitemap)`);
    case "opml":
      throw new FeedParseError(source, "not a feed (XML root <opml> is a subscription list)");
    default:
      throw new FeedParseError(source, `not a feed (XML root <${root}> is not RSS, Atom or RDF)`);
  }
}

/** Runs a feedsmith parser and turns whatever it throws into a FeedParseError. */
function callParser<T>(run: () => T, source: string, syntax: "XML" | "JSON"): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MalformedError) {
      const detail = error.cause instanceof Error ? error.cause.message : error.message;
      throw new FeedParseError(source, `malformed ${syntax}: ${detail}`, { cause: error });
    }
    if (error instanceof DetectError) {
      throw new FeedParseError(source, "not a feed (no RSS, Atom or JSON Feed structure found)", { cause: error });
    }
    throw new FeedParseError(source, `unreadable feed: ${(error as Error).message}`, { cause: error });
  }
}

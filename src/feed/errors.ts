import { redactUrl } from "../net/redact.ts";

/**
 * Why some bytes could not be read as a feed. The message names the feed
 * (its URL or id) and the reason, e.g.
 * `https://example.com/index.xml: not a feed (XML root <urlset> is a sitemap)`.
 */
export class FeedParseError extends Error {
  override readonly name = "FeedParseError";
  constructor(
    /** The feed URL (credentials removed) or id the bytes came from. */
    readonly source: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${redactUrl(source)}: ${reason}`, options);
    this.source = redactUrl(source);
  }
}

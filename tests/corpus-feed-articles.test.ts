/**
 * Every item of every real feed in ../shared/corpus becomes an article the way
 * the RSS source makes one (HTML body), or is skipped for a stated reason.
 * Cases come from the folder listing: none without the corpus.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { articleFromFields } from "../src/article/index.ts";
import { articleFieldsOf } from "../src/feed/items.ts";
import { type FeedItem, parseFeed } from "../src/feed/parse.ts";
import { corpusDir } from "./helpers/paths.ts";

const dir = join(corpusDir, "feeds");
const feeds = existsSync(dir) ? readdirSync(dir) : [];

describe.each(feeds)("corpus feed %s → articles", (name) => {
  let items: FeedItem[] = [];
  try {
    items = parseFeed(readFileSync(join(dir, name)), { source: name, url: "https://feed.example.org/" }).items;
  } catch {
    // Not a feed, or malformed: tests/feed-corpus.test.ts checks the error.
  }

  it("turns each titled item into an article with its text and without scripts", () => {
    // Only the corpus's decoys and broken files have no items.
    if (items.length === 0) expect(name).toMatch(/notafeed|IS-A-SITEMAP|TRUNCATED/);
    for (const item of items.filter((i) => i.title)) {
      const article = articleFromFields(articleFieldsOf(item), `${name}#${item.key}`);
      expect(article.title.length).toBeGreaterThan(0);
      expect(JSON.stringify(article.body)).not.toMatch(/<script|alert\(\)/);
      expect(article.text).not.toContain("\uFFFD");
      if (name.startsWith("ko_")) expect(article.text).toMatch(/\p{Script=Hangul}/u);
    }
  });
});

/**
 * Every feed of ../shared/corpus/feeds (real third-party feeds and decoys)
 * and every fixture of tests/fixtures/feeds (and its conformance/ cases) goes through parseFeed. Cases
 * come from the folder listings, so without shared/ only the fixtures run.
 *
 * Each file must give either a feed whose items are well-formed or a
 * FeedParseError naming the file; files the corpus README describes also
 * get the specific outcome it calls for.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FeedParseError, type ParsedFeed, parseFeed } from "../src/feed/parse.ts";
import { corpusDir, fixture } from "./helpers/paths.ts";

// Files only: the conformance cases sit in a folder of their own and are listed with it.
const list = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isFile() ? [join(dir, entry.name)] : []))
    : [];
const files = [...list(fixture("feeds")), ...list(fixture("feeds", "conformance")), ...list(join(corpusDir, "feeds"))];

type Outcome = { ok: true; feed: ParsedFeed } | { ok: false; error: unknown };

function run(path: string): Outcome {
  try {
    return { ok: true, feed: parseFeed(readFileSync(path), { source: path }) };
  } catch (error) {
    return { ok: false, error };
  }
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What the corpus README says each file exercises, as checks on the outcome. Keyed by a file-name fragment. */
const EXPECTED: Record<string, (outcome: Outcome, path: string) => void> = {
  "ko_hugo-news_posts_index": (o) => {
    const feed = feedOf(o);
    expect(feed).toMatchObject({ format: "rss", language: "ko" });
    expect(feed.title).toContain("인포매틱 🚀");
    expect(feed.items).toHaveLength(8);
    expect(feed.items[0]!.title).toContain("기아 EV9, 드디어 베일을 벗다");
    expect(feed.items[0]!.date).toBe("2025-06-28T05:17:20.000Z");
  },
  "IS-A-SITEMAP": (o, path) => expectNotAFeed(o, path, "XML root <urlset> is a sitemap"),
  "euckr_NO-encoding-decl": (o) => {
    expect(feedOf(o).items[0]!.title).toBe("EUC-KR 에서 TypeKey 한글닉네임 표시하기");
  },
  "euc-kr-attribute": (o) => {
    expect(feedOf(o).items[0]!.html).toBe('<img alt="년" />');
  },
  "jsonfeed-v1_script-in-content": (o) => {
    const feed = feedOf(o);
    expect(feed).toMatchObject({ format: "json", title: "My Example Feed" });
    expect(feed.items.map((i) => i.key)).toEqual(["2", "1"]);
    // parseFeed does not sanitise: the item without a title keeps its body for the article layer to clean.
    expect(feed.items[1]).toMatchObject({ title: null, summary: "Hello, world!" });
  },
  incomplete_cdata_TRUNCATED: (o, path) => expectFailure(o, path, /malformed XML/),
  "atom-0.3_legacy": (o) => {
    const feed = feedOf(o);
    expect(feed).toMatchObject({ format: "atom", title: "Sample Feed", link: "http://example.org/" });
    // Entries 2 and 3 share an id: the first wins.
    expect(feed.items.map((i) => i.url)).toEqual(["http://example.org/entry/3", "http://example.org/entry/4"]);
    expect(feed.items[0]!.date).toBe("2004-04-20T00:23:47.000Z");
  },
  "jsonfeed_v1-label-v11-fields": (o) => {
    const feed = feedOf(o);
    expect(feed.language).toBe("en");
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0]!.image).toBe(
      "https://blog.nexy7574.co.uk/assets/images/social/posts/0002-Virgin%20Media%20rant/rant.png",
    );
  },
  "xhtml-prefixed-namespace": (o) => {
    const html = feedOf(o).items[0]!.html!;
    expect(html).toContain("<ul>");
    expect(html).toContain('<a href="http://plasmasturm.org/log/376/">');
  },
  "dailymail_media-content-dupes": (o) => {
    const item = feedOf(o).items[0]!;
    expect(item.title).toContain("Black Dahlia");
    expect(item.image).toMatch(/\.jpg$/);
  },
  notafeed: (o, path) => expectNotAFeed(o, path, "looks like an HTML page"),
  "pcmag_illegally-nested": (o) => {
    const feed = feedOf(o);
    expect(feed.items).toHaveLength(10);
    expect(feed.items[0]!.date).toBe("2018-01-17T20:50:00.000Z");
  },
  "saxerror_unescaped-amp": (o) => {
    expect(feedOf(o).items.map((i) => i.title)).toEqual(["Good Item", "Bad Item", "Item After Error"]);
  },
  "guardian_media-content": (o) => {
    const feed = feedOf(o);
    expect(feed.items.length).toBeGreaterThanOrEqual(50);
    expect(feed.items[0]!.image).toContain("w=460");
    expect(feed.items[0]!.author).toBe("David Smith in Washington");
  },
  "medium_content-encoded": (o) => {
    const item = feedOf(o).items[0]!;
    expect(item).toMatchObject({ title: "THE CREATIVE FORAGER", author: "Jeremy Puma" });
    expect(item.html).toContain("<figure>");
  },
  "rss092_enclosures_odd-dates": (o) => {
    expect(feedOf(o).items.map((i) => i.title)).toEqual(["The First Item", "The Second Item"]);
  },
  "uol_latin1-NO-xml-decl": (o) => {
    const item = feedOf(o).items[0]!;
    expect(item.title).toBe("Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno");
    expect(item.date).toBe("2018-09-24T22:42:40.000Z");
  },
  "heise.atom": (o) => {
    const item = feedOf(o).items[0]!;
    expect(item.title).toBe("Java-Anwendungsserver: Red Hat gibt WildFly 10 frei");
    expect(item.summary).toContain("verfügbare Version 10");
  },
  "podcast_itunes-enclosure": (o) => {
    expect(feedOf(o).items[0]).toMatchObject({ title: "Trailer", date: "2019-11-18T19:14:32.000Z" });
  },
};

function feedOf(outcome: Outcome): ParsedFeed {
  if (!outcome.ok) throw outcome.error;
  return outcome.feed;
}

function expectFailure(outcome: Outcome, path: string, reason: RegExp): void {
  expect(outcome.ok, "expected a FeedParseError").toBe(false);
  if (outcome.ok) return;
  expect(outcome.error).toBeInstanceOf(FeedParseError);
  expect((outcome.error as Error).message).toContain(path);
  expect((outcome.error as Error).message).toMatch(reason);
}

function expectNotAFeed(outcome: Outcome, path: string, reason: string): void {
  expectFailure(outcome, path, /not a feed/);
  if (!outcome.ok) expect((outcome.error as Error).message).toContain(reason);
}

describe.each(files)("%s", (path) => {
  const outcome = run(path);

  it("gives well-formed items or a FeedParseError naming the file", () => {
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(FeedParseError);
      expect((outcome.error as Error).message.startsWith(`${path}: `)).toBe(true);
      return;
    }
    const keys = outcome.feed.items.map((item) => item.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const item of outcome.feed.items) {
      expect(item.key.trim()).not.toBe("");
      expect(item.title ?? item.html ?? item.url, `item ${item.key} has something to show`).toBeTruthy();
      if (item.url) expect(item.url).toMatch(/^https?:\/\//);
      if (item.image) expect(item.image).toMatch(/^https?:\/\//);
      if (item.date) expect(item.date).toMatch(ISO_UTC);
      expect(item.title ?? "").not.toContain("\uFFFD");
    }
  });

  const expectation = Object.entries(EXPECTED).find(([fragment]) => path.includes(fragment));
  if (expectation) {
    it("matches what the corpus README says the file exercises", () => expectation[1](outcome, path));
  }
});

/**
 * Search query parsing, snippets, the search document and feed parsing take
 * time proportional to their input on hostile text (see tests/helpers/hostile.ts).
 */
import { describe, expect, it } from "vitest";
import { ArticleParseError, parsePost } from "../src/article/index.ts";
import { FeedParseError, parseFeed } from "../src/feed/parse.ts";
import { SearchQueryError } from "../src/store/errors.ts";
import { searchDocumentOf } from "../src/store/search/document.ts";
import { parseSearchQuery } from "../src/store/search/query.ts";
import { snippetFor } from "../src/store/search/snippet.ts";
import { GROWTH_LIMIT, growthDetail, growthRatio, HOSTILE_SHAPES, hostileText, settle } from "./helpers/hostile.ts";

const KB = 1024;

describe("search grows linearly on hostile text", () => {
  const terms = parseSearchQuery("장애 AI outage").terms;

  it.each(HOSTILE_SHAPES)("parseSearchQuery refuses a long query in linear time: %s", (shape) => {
    const growth = growthRatio(
      (kb) => hostileText(shape, kb * KB),
      (query) => settle(() => parseSearchQuery(query), [SearchQueryError]),
      GROWTH_LIMIT,
    );
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });

  it.each(HOSTILE_SHAPES)("snippetFor over a hostile body: %s", (shape) => {
    const growth = growthRatio(
      (kb) => `${hostileText(shape, kb * KB)} outage`,
      (body) => snippetFor(body, terms),
      GROWTH_LIMIT,
    );
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });

  it.each(HOSTILE_SHAPES)("searchDocumentOf a hostile article: %s", (shape) => {
    const parsed = new Map<number, unknown>();
    const article = (kb: number) => {
      if (!parsed.has(kb))
        parsed.set(
          kb,
          settle(
            () => parsePost(`---\ntitle: Hostile\n---\n${hostileText(shape, kb * KB)}`, "h.md"),
            [ArticleParseError],
          ),
        );
      return parsed.get(kb);
    };
    const growth = growthRatio(
      article,
      (a) => (a instanceof Error ? null : searchDocumentOf(a as Parameters<typeof searchDocumentOf>[0])),
      GROWTH_LIMIT,
    );
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });

  it("searchDocumentOf an article with a long timeline table", () => {
    const table = (kb: number) => {
      const rows = Array.from(
        { length: Math.ceil((kb * KB) / 40) },
        (_, i) => `| ${String(i % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")} | event ${i} | note ${i} |`,
      );
      return parsePost(`---\ntitle: Hostile\n---\n| 시점 | 내용 | 비고 |\n|---|---|---|\n${rows.join("\n")}\n`, "h.md");
    };
    const growth = growthRatio(table, (a) => searchDocumentOf(a), GROWTH_LIMIT);
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });
});

const encoder = new TextEncoder();
const cdata = (text: string) => `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;

describe("parseFeed grows linearly on hostile feeds", () => {
  it.each(HOSTILE_SHAPES)("RSS item whose description and title are the hostile text: %s", (shape) => {
    const feed = (kb: number) => {
      const text = hostileText(shape, kb * KB);
      return encoder.encode(
        `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>https://news.example.kr/</link>` +
          `<item><title>${cdata(text.slice(0, 200))}</title><link>https://news.example.kr/a</link><category>${cdata(text.slice(0, 100))}</category>` +
          `<description>${cdata(text)}</description></item></channel></rss>`,
      );
    };
    const growth = growthRatio(
      feed,
      (bytes) => settle(() => parseFeed(bytes, { source: "https://news.example.kr/rss" }), [FeedParseError]),
      GROWTH_LIMIT,
    );
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });

  it.each([
    ["a DOCTYPE left open over whitespace", (n: number) => `<!DOCTYPE rss ${" ".repeat(n)}`],
    ["an unclosed comment", (n: number) => `<!--${" ".repeat(n)}`],
    ["many comments", (n: number) => `${"<!---->".repeat(n / 7)}<rss/>`],
    ["an unclosed processing instruction", (n: number) => `<?xml ${"?".repeat(n)}`],
  ])("sniffing the prolog of %s", (_, prolog) => {
    const growth = growthRatio(
      (kb) => encoder.encode(prolog(kb * KB)),
      (bytes) => settle(() => parseFeed(bytes, { source: "feed" }), [FeedParseError]),
      GROWTH_LIMIT,
    );
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });

  it("an item with many categories", () => {
    const feed = (kb: number) => {
      const categories = Array.from({ length: Math.ceil((kb * KB) / 24) }, (_, i) => `<category>c${i}</category>`).join(
        "",
      );
      return encoder.encode(
        `<rss version="2.0"><channel><title>T</title><item><title>x</title><link>https://e.example/a</link>${categories}</item></channel></rss>`,
      );
    };
    const growth = growthRatio(feed, (bytes) => parseFeed(bytes, { source: "https://e.example/rss" }), GROWTH_LIMIT);
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });

  it.each([
    [
      "many mode=base64 attributes in one start tag",
      (n: number) =>
        `<feed xmlns="http://www.w3.org/2005/Atom"><title${' mode="base64"'.repeat(n / 14)}>T</title></feed>`,
    ],
    [
      "mode=base64 outside any tag",
      (n: number) =>
        `<feed xmlns="http://www.w3.org/2005/Atom"><title>${" mode='base64'".repeat(n / 14)}</title></feed>`,
    ],
    [
      "unclosed base64 elements",
      (n: number) => `<feed xmlns="http://www.w3.org/2005/Atom">${'<t mode="base64">QUJD'.repeat(n / 21)}`,
    ],
    [
      "one long base64 title",
      (n: number) =>
        `<feed xmlns="http://www.w3.org/2005/Atom"><title mode="base64">${"QUJD".repeat(n / 4)}</title></feed>`,
    ],
  ])("Atom base64 elements: %s", (_, atom) => {
    const growth = growthRatio(
      (kb) => encoder.encode(atom(kb * KB)),
      (bytes) => settle(() => parseFeed(bytes, { source: "feed" }), [FeedParseError]),
      GROWTH_LIMIT,
    );
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });

  it.each([
    ["Cyrillic-like runs", 0xc0],
    ["Thai-like runs", 0xa1],
  ])("guessing the legacy encoding of undeclared %s", (_, low) => {
    const feed = (kb: number) => {
      const body = Uint8Array.from({ length: kb * KB }, (_, i) => (i % 8 === 7 ? 0x20 : low + ((i * 7) % 30)));
      const head = encoder.encode('<rss version="2.0"><channel><title>T</title><item><title>');
      const tail = encoder.encode("</title><link>https://e.example/a</link></item></channel></rss>");
      return Uint8Array.from([...head, ...body, ...tail]);
    };
    const growth = growthRatio(
      feed,
      (bytes) => settle(() => parseFeed(bytes, { source: "https://e.example/rss" }), [FeedParseError]),
      GROWTH_LIMIT,
    );
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });
});

/**
 * Feed bytes → items: Herald's own small fixtures (tests/fixtures/feeds) pin
 * each behaviour; encodings that need exact bytes (undeclared EUC-KR and
 * Latin-1) are produced here with iconv-lite.
 */
import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { parseFeedDate } from "../src/feed/date.ts";
import { FeedParseError, type ParsedFeed, parseFeed } from "../src/feed/parse.ts";
import { fixture } from "./helpers/paths.ts";

const read = (name: string) => readFileSync(fixture("feeds", name));
const parseFixture = (name: string, contentType?: string) =>
  parseFeed(read(name), { source: `https://feeds.example.com/${name}`, contentType });

function parseError(run: () => unknown): FeedParseError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return error as FeedParseError;
  }
  throw new Error("expected a FeedParseError, but parsing succeeded");
}

const itemByTitle = (feed: ParsedFeed, title: string) => {
  const item = feed.items.find((candidate) => candidate.title === title);
  expect(item, `item titled ${title}`).toBeDefined();
  return item!;
};

describe("RSS 2.0 in Korean", () => {
  const feed = parseFixture("ko-news.rss");

  it("reads the channel's title, link and language", () => {
    expect(feed).toMatchObject({
      format: "rss",
      title: "헤럴드 속보 & 분석",
      link: "https://news.example.kr/",
      language: "ko",
    });
  });

  it("keeps Hangul titles intact and keys items by guid", () => {
    const first = feed.items[0]!;
    expect(first.key).toBe("news-20261014-001");
    expect(first.title).toBe("[속보] 클라우드 장애로 메일 서비스 3시간 중단");
  });

  it("resolves a relative item link against the channel link", () => {
    expect(feed.items[0]!.url).toBe("https://news.example.kr/2026/10/14/cloud-outage");
  });

  it("prefers content:encoded for the body and makes its relative links absolute", () => {
    const html = feed.items[0]!.html!;
    expect(html).toContain("<th>시점</th><th>내용</th>");
    expect(html).toContain('<a href="https://news.example.kr/timeline">경과 보기</a>');
  });

  it("takes the plain-text summary from the description, tags stripped", () => {
    expect(feed.items[0]!.summary).toBe("오후 1시부터 메일 접속이 되지 않았다.");
  });

  it("reads a KST pubDate as UTC", () => {
    expect(feed.items[0]!.date).toBe("2026-10-14T07:40:00.000Z");
  });

  it("picks the widest image among media:content, ignoring video", () => {
    expect(feed.items[0]!.image).toBe("https://img.example.kr/large.jpg");
  });

  it("de-duplicates categories and takes dc:creator as author", () => {
    expect(feed.items[0]!.categories).toEqual(["IT", "장애"]);
    expect(feed.items[0]!.author).toBe("김기자");
  });

  it("keeps the first of two items with the same guid", () => {
    expect(feed.items.filter((item) => item.key === "news-20261014-001")).toHaveLength(1);
    expect(feed.items.map((item) => item.title)).not.toContain("같은 guid를 가진 두 번째 항목");
  });

  it("keys an item without guid by its link", () => {
    const item = itemByTitle(feed, "링크만 있는 항목");
    expect(item.key).toBe("https://news.example.kr/2026/10/13/link-only");
    expect(item.date).toBe("2026-10-13T09:00:00.000Z");
  });

  it("gives an item with only a title a stable hashed key and a null date for an unreadable one", () => {
    const item = itemByTitle(feed, "제목만 있는 항목");
    expect(item.key).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(parseFixture("ko-news.rss").items.find((i) => i.title === "제목만 있는 항목")!.key).toBe(item.key);
    expect(item.date).toBeNull();
  });

  it("skips an item with nothing to identify it (a javascript: link and no title)", () => {
    expect(feed.items).toHaveLength(3);
    expect(feed.items.every((item) => item.url === null || item.url.startsWith("https://"))).toBe(true);
  });
});

describe("Atom 1.0", () => {
  const feed = parseFixture("atom.xml");

  it("reads an HTML title as plain text and the alternate link against xml:base", () => {
    expect(feed).toMatchObject({
      format: "atom",
      title: "Example Status",
      link: "https://status.example.com/",
      language: "en",
    });
  });

  it("resolves entry links through nested xml:base", () => {
    const entry = feed.items[0]!;
    expect(entry.url).toBe("https://status.example.com/incidents/42");
    expect(entry.image).toBe("https://status.example.com/incidents/42/graph.png");
    expect(entry.html).toContain('<a href="https://status.example.com/incidents/42/details">details</a>');
    expect(entry.html).toContain('<a href="#fix">the fix</a>');
  });

  it("prefers published over updated and converts the offset to UTC", () => {
    expect(feed.items[0]!.date).toBe("2026-10-14T07:40:00.000Z");
    expect(feed.items[1]!.date).toBe("2026-10-01T00:00:00.000Z");
  });

  it("uses the html summary as plain text, the category label, and the feed author as fallback", () => {
    expect(feed.items[0]).toMatchObject({
      summary: "Some requests failed.",
      categories: ["API"],
      author: "Status Team",
    });
  });

  it("escapes type=text content into paragraphs instead of treating it as markup", () => {
    const entry = feed.items[1]!;
    expect(entry.title).toBe("Scheduled maintenance: x < y");
    expect(entry.html).toBe("<p>Line one &lt;not a tag&gt;</p>\n<p>Second paragraph.</p>");
  });
});

describe("JSON Feed", () => {
  const feed = parseFixture("feed.json");

  it("reads feed metadata", () => {
    expect(feed).toMatchObject({
      format: "json",
      title: "Herald JSON 예시",
      link: "https://blog.example.org/",
      language: "ko",
    });
  });

  it("keeps content_html, resolves relative url, image and links, and treats tags: null as none", () => {
    const item = feed.items[0]!;
    expect(item).toMatchObject({
      key: "101",
      title: "배포 지연 안내",
      url: "https://blog.example.org/posts/101",
      image: "https://blog.example.org/images/101%20cover.png",
      date: "2026-10-14T00:30:00.000Z",
      summary: "배포 지연",
      categories: [],
      author: "편집부",
    });
    expect(item.html).toContain('<a href="https://blog.example.org/status">지연</a>');
  });

  it("turns content_text into escaped HTML paragraphs", () => {
    const item = feed.items.find((i) => i.key === "text-only")!;
    expect(item.html).toBe("<p>첫 줄<br>둘째 줄</p>\n<p>새 문단 &lt;b&gt;태그 아님&lt;/b&gt;</p>");
    expect(item.date).toBe("2026-10-13T00:00:00.000Z");
    expect(item.categories).toEqual(["공지"]);
    expect(item.author).toBe("이작가");
  });

  it("drops the later item with a duplicate id", () => {
    expect(feed.items.map((i) => i.key)).toEqual(["101", "text-only"]);
  });

  it("reports malformed JSON and JSON that is not a feed", () => {
    expect(parseError(() => parseFeed(Buffer.from('{"version": '), { source: "broken.json" })).message).toMatch(
      /^broken\.json: malformed JSON: /,
    );
    expect(parseError(() => parseFeed(Buffer.from('{"status":"ok"}'), { source: "api.json" })).message).toBe(
      "api.json: not a feed (JSON without a JSON Feed version)",
    );
  });
});

describe("RSS 1.0 (RDF)", () => {
  it("reads an RDF feed as rss with Dublin Core date, author, subject and language", () => {
    const feed = parseFixture("rss1-rdf.xml");
    expect(feed).toMatchObject({
      format: "rss",
      title: "技術ジャーナル",
      link: "https://journal.example.jp/",
      language: "ja",
    });
    expect(feed.items).toEqual([
      {
        key: "https://journal.example.jp/2026/10/14/outage",
        title: "大規模障害の振り返り",
        url: "https://journal.example.jp/2026/10/14/outage",
        date: "2026-10-14T07:40:00.000Z",
        html: "障害の経緯と対策",
        summary: "障害の経緯と対策",
        categories: ["障害"],
        image: null,
        author: "編集部",
      },
    ]);
  });
});

describe("encodings", () => {
  const koreanRss = (declaration: string) =>
    `${declaration}<rss version="2.0"><channel><title>지역 소식</title><item><title>폭우로 도로 통제, 오후 3시 해제 예정</title><guid>ko-1</guid><description>“침수 주의”</description></item></channel></rss>`;

  it("sniffs undeclared EUC-KR into correct Hangul", () => {
    const bytes = iconv.encode(koreanRss(""), "euc-kr");
    const feed = parseFeed(bytes, { source: "euc-kr-feed" });
    expect(feed.title).toBe("지역 소식");
    expect(feed.items[0]!.title).toBe("폭우로 도로 통제, 오후 3시 해제 예정");
  });

  it("honours an EUC-KR XML declaration over a wrong HTTP charset", () => {
    const bytes = iconv.encode(koreanRss('<?xml version="1.0" encoding="EUC-KR"?>'), "euc-kr");
    const feed = parseFeed(bytes, { source: "declared", contentType: "text/xml; charset=iso-8859-1" });
    expect(feed.items[0]!.title).toBe("폭우로 도로 통제, 오후 3시 해제 예정");
  });

  it("uses the HTTP charset when the document declares nothing", () => {
    const text = `<rss version="2.0"><channel><title>Notícias</title><item><title>“Ação” já em São Paulo</title><guid>pt-1</guid></item></channel></rss>`;
    const bytes = iconv.encode(text, "windows-1252");
    const feed = parseFeed(bytes, { source: "pt", contentType: "application/rss+xml; charset=ISO-8859-1" });
    // ISO-8859-1 is read as windows-1252, as browsers do, so the curly quotes survive.
    expect(feed.items[0]!.title).toBe("“Ação” já em São Paulo");
  });

  it("does not garble undeclared Latin-1", () => {
    const text = `<rss version="2.0"><channel><title>Últimas Notícias</title><item><title>Eleições: candidatos discutem a economia e a educação no último debate</title><guid>pt-2</guid><description>Líder na pesquisa de intenção de voto, o candidato falou sobre reformas, segurança e saúde pública.</description></item></channel></rss>`;
    const feed = parseFeed(iconv.encode(text, "latin1"), { source: "latin1" });
    expect(feed.title).toBe("Últimas Notícias");
    expect(feed.items[0]!.title).toBe("Eleições: candidatos discutem a economia e a educação no último debate");
  });

  it("keeps Hangul intact in UTF-8 with one broken byte instead of guessing a legacy encoding", () => {
    const [head, tail] = koreanRss("").split("<item>");
    const bytes = Buffer.concat([Buffer.from(`${head}<item>`), Buffer.from([0xff]), Buffer.from(tail!)]);
    const feed = parseFeed(bytes, { source: "stray-byte" });
    expect(feed.title).toBe("지역 소식");
    expect(feed.items[0]!.title).toBe("폭우로 도로 통제, 오후 3시 해제 예정");
  });

  it("lets a byte order mark win over everything else", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(koreanRss(""), "utf-16le")]);
    expect(parseFeed(utf16, { source: "bom16", contentType: "text/xml; charset=euc-kr" }).title).toBe("지역 소식");
    const utf8 = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(koreanRss('<?xml version="1.0" encoding="euc-kr"?>')),
    ]);
    expect(parseFeed(utf8, { source: "bom8" }).title).toBe("지역 소식");
  });

  it("rejects an encoding nobody knows when the bytes are not UTF-8, naming it", () => {
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="x-klingon"?><rss version="2.0"><channel><title>'),
      Buffer.from([0xa4, 0xe9, 0xb1, 0xff]),
      Buffer.from("</title></channel></rss>"),
    ]);
    expect(parseError(() => parseFeed(bytes, { source: "odd-feed" })).message).toBe(
      'odd-feed: unsupported encoding "x-klingon" in the XML declaration',
    );
  });

  it("reads UTF-8 bytes under an unknown or stale declaration as UTF-8", () => {
    const unknown = Buffer.from(
      '<?xml version="1.0" encoding="x-klingon"?><rss version="2.0"><channel><title>속보</title></channel></rss>',
    );
    expect(parseFeed(unknown, { source: "unknown-label" }).title).toBe("속보");
    // A real publisher's template says ISO-8859-1 while the server sends UTF-8.
    const stale = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>© Café</title></channel></rss>',
    );
    expect(parseFeed(stale, { source: "stale-label" }).title).toBe("© Café");
    const utf16 = Buffer.from(
      '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>오늘</title></channel></rss>',
    );
    expect(parseFeed(utf16, { source: "utf16-label" }).title).toBe("오늘");
  });
});

describe("encodings without a BOM or a declaration to go by", () => {
  const rss = (title: string) =>
    `<rss version="2.0"><channel><title>${title}</title><item><title>x</title><guid>1</guid></item></channel></rss>`;

  it("recognises UTF-16 and UTF-32 by their zero bytes, over a contrary HTTP charset", () => {
    for (const encoding of ["utf-16le", "utf-16be", "utf-32le", "utf-32be"]) {
      const feed = parseFeed(iconv.encode(rss("오늘의 속보"), encoding), {
        source: encoding,
        contentType: "text/xml; charset=euc-kr",
      });
      expect(feed.title, encoding).toBe("오늘의 속보");
    }
  });

  it("tells KOI8-R from windows-1251 by which half holds the (mostly lower-case) letters", () => {
    const title = "Сбой облачного сервиса остановил почту";
    expect(parseFeed(iconv.encode(rss(title), "koi8-r"), { source: "koi8" }).title).toBe(title);
    expect(parseFeed(iconv.encode(rss(title), "windows-1251"), { source: "cp1251" }).title).toBe(title);
  });
});

describe("Atom base64", () => {
  const atom03 = (title: string) =>
    `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Wire</title><entry>${title}<link rel="alternate" href="https://e.example/1"/><id>1</id></entry></feed>`;
  const entryTitle = (xml: string) => parseFeed(Buffer.from(xml), { source: "atom03" }).items[0]!.title;

  it('keeps a mode="base64" element whose content is not base64 text as written', () => {
    expect(entryTitle(atom03('<title mode="base64">Not base64!</title>'))).toBe("Not base64!");
    // Valid base64 of bytes that are not UTF-8 text stays as written too.
    expect(
      entryTitle(atom03(`<title mode="base64">${Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString("base64")}</title>`)),
    ).toBe("//4AAQ==");
  });

  it('leaves mode="base64" written as text alone', () => {
    expect(entryTitle(atom03(`<title>mode="base64" ${Buffer.from("hi").toString("base64")}</title>`))).toBe(
      'mode="base64" aGk=',
    );
  });

  it("decodes a base64 title whatever the quotes and attribute order", () => {
    const encoded = Buffer.from("Decoded & done").toString("base64");
    expect(entryTitle(atom03(`<title type='text/plain' mode='base64'>\n${encoded}\n</title>`))).toBe("Decoded & done");
  });
});

describe("documents that are not feeds", () => {
  it("says an HTML page is not a feed", () => {
    const error = parseError(() => parseFixture("not-a-feed.html"));
    expect(error.message).toBe("https://feeds.example.com/not-a-feed.html: not a feed (looks like an HTML page)");
  });

  it("says a sitemap is not a feed", () => {
    const error = parseError(() => parseFixture("sitemap.xml"));
    expect(error.message).toBe("https://feeds.example.com/sitemap.xml: not a feed (XML root <urlset> is a sitemap)");
  });

  it("says empty bytes are not a feed", () => {
    expect(parseError(() => parseFeed(new Uint8Array(), { source: "empty-feed" })).message).toBe(
      "empty-feed: not a feed (the document is empty)",
    );
  });

  it("names an unknown XML root", () => {
    const bytes = Buffer.from('<?xml version="1.0"?><!-- hi --><svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(parseError(() => parseFeed(bytes, { source: "pic" })).message).toBe(
      "pic: not a feed (XML root <svg> is not RSS, Atom or RDF)",
    );
  });

  it("never puts credentials from the source URL into the message", () => {
    const error = parseError(() =>
      parseFeed(read("sitemap.xml"), { source: "https://reader:s3cret@feeds.example.com/x.xml" }),
    );
    expect(error.message).not.toContain("s3cret");
    expect(error.message).toContain("https://feeds.example.com/x.xml");
  });
});

describe("ill-formed feeds", () => {
  it("fails cleanly on a file truncated inside CDATA", () => {
    expect(parseError(() => parseFixture("truncated.xml")).message).toMatch(
      /^https:\/\/feeds\.example\.com\/truncated\.xml: malformed XML: /,
    );
  });

  it("recovers items around an unescaped ampersand", () => {
    const feed = parseFixture("unescaped-amp.rss");
    expect(feed.items.map((item) => item.title)).toEqual(["Tom & Jerry return", "After the error"]);
    expect(feed.items[0]!.url).toBe("https://sloppy.example.net/a?x=1&y=2");
  });

  it("does not expand entity definitions (billion laughs)", () => {
    const lol = ["<!ENTITY a0 'lol'>"];
    for (let i = 1; i < 10; i++) lol.push(`<!ENTITY a${i} '${`&a${i - 1};`.repeat(10)}'>`);
    const xml = `<?xml version="1.0"?><!DOCTYPE r [${lol.join("")}]><rss version="2.0"><channel><item><guid>x</guid><title>&a9;</title></item></channel></rss>`;
    const feed = parseFeed(Buffer.from(xml), { source: "lol" });
    expect(feed.items[0]!.title!.length).toBeLessThan(100);
  });

  it("refuses external entities", () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><item><guid>x</guid><title>&x;</title></item></channel></rss>`;
    let title: string | null | undefined;
    try {
      title = parseFeed(Buffer.from(xml), { source: "xxe" }).items[0]?.title;
    } catch (error) {
      expect(error).toBeInstanceOf(FeedParseError);
    }
    expect(title ?? "").not.toContain("root:");
  });

  it("survives absurdly deep markup in a description", () => {
    const xml = `<rss version="2.0"><channel><item><guid>deep</guid><title>Deep</title><description>${"&lt;div&gt;".repeat(100_000)}x</description></item></channel></rss>`;
    const feed = parseFeed(Buffer.from(xml), { source: "deep" });
    expect(feed.items[0]!.title).toBe("Deep");
  });
});

describe("feed dates", () => {
  it.each([
    ["Sat, 28 Jun 2025 14:17:20 +0900", "2025-06-28T05:17:20.000Z"],
    ["Wed, 17 Jan 2018 15:50:00 EST", "2018-01-17T20:50:00.000Z"],
    ["Mon, 9 Apr 2018 18:55:38 GMT", "2018-04-09T18:55:38.000Z"],
    ["03 Apr 02 1500 GMT", "2002-04-03T15:00:00.000Z"],
    ["Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40.000Z"],
    ["2016-02-01T17:22:00+01:00", "2016-02-01T16:22:00.000Z"],
    ["2018-04-09T19:39:12.675Z", "2018-04-09T19:39:12.675Z"],
    ["2024-10-13", "2024-10-13T00:00:00.000Z"],
  ])("reads %s as %s", (input, expected) => {
    expect(parseFeedDate(input)).toBe(expected);
  });

  it.each(["yesterday", "31 Apr 2020 10:00 GMT", "Mon, 09 Apr 2018 18:55:38 XYZ", "2024-13-01", ""])(
    "gives null rather than a guess for %j",
    (input) => {
      expect(parseFeedDate(input)).toBeNull();
    },
  );
});

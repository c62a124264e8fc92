import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, SearchQueryError, type Store } from "../src/store/index.ts";
import { englishArticle, makeArticle, marketArticle, outageArticle } from "./fixtures/store/articles.ts";
import { tempDbDir } from "./fixtures/store/temp-store.ts";

let temp: ReturnType<typeof tempDbDir>;
let store: Store;

beforeEach(() => {
  temp = tempDbDir();
  store = openStore(temp.dbPath);
  store.upsertArticle(outageArticle(), null);
  store.upsertArticle(marketArticle(), null);
  store.upsertArticle(englishArticle(), null);
});
afterEach(() => {
  store.close();
  temp.cleanup();
});

const ids = (query: string, options?: Parameters<Store["searchArticles"]>[1]) =>
  store.searchArticles(query, options).map((hit) => hit.article.id);

describe("searchArticles: Korean", () => {
  it("finds a two-syllable word (장애) and not text where 장 and 애 are merely close", () => {
    expect(ids("장애")).toEqual(["ms-outlook-outage"]);
  });

  it("finds three-syllable words inside longer runs (아웃룩 in 'MS 아웃룩(Azure)')", () => {
    expect(ids("아웃룩")).toEqual(["ms-outlook-outage"]);
    expect(ids("네트워킹")).toEqual(["ms-outlook-outage"]);
  });

  it("needs every word of a two-word query to match", () => {
    expect(ids("애저 네트워킹")).toEqual(["ms-outlook-outage"]);
    expect(ids("애저 애널리스트")).toEqual([]);
  });

  it("matches one syllable anywhere, including at the end of a word", () => {
    expect(ids("비").sort()).toEqual(["market-weather", "ms-outlook-outage"]); // 비가, 서비스
    expect(ids("춰")).toEqual(["ms-outlook-outage"]); // only in 멈춰, at the end of the title
    expect(ids("뷁")).toEqual([]);
  });

  it("finds text stored in decomposed (NFD) Hangul with an ordinary query", () => {
    store.upsertArticle(makeArticle({ id: "nfd", title: "서버 점검 안내".normalize("NFD") }), null);
    expect(ids("점검")).toEqual(["nfd"]);
  });

  it("handles Chinese and Japanese runs the same way", () => {
    store.upsertArticle(makeArticle({ id: "jp", title: "東京で大規模な通信障害", language: "ja" }), null);
    expect(ids("障害")).toEqual(["jp"]);
    expect(ids("通信障害")).toEqual(["jp"]);
    expect(ids("東")).toEqual(["jp"]);
  });

  it("a new version without the word is no longer found by it", () => {
    store.upsertArticle(outageArticle({ title: "MS 아웃룩 복구", paragraphs: ["정상화됐다."], excerpt: "정상화", timeline: null }), null);
    expect(ids("장애")).toEqual([]);
    expect(ids("정상화")).toEqual(["ms-outlook-outage"]);
  });
});

describe("searchArticles: Latin and mixed", () => {
  it("is case-insensitive (Azure, azure, AZURE)", () => {
    for (const query of ["Azure", "azure", "AZURE", "azu"]) expect(ids(query)).toEqual(["ms-outlook-outage"]);
  });

  it("folds diacritics both ways (cafe finds café)", () => {
    expect(ids("cafe")).toEqual(["aws-dns-incident"]);
    expect(ids("CAFÉ")).toEqual(["aws-dns-incident"]);
  });

  it("mixes Korean and English terms", () => {
    expect(ids("아웃룩 Azure")).toEqual(["ms-outlook-outage"]);
    expect(ids("장애 MS")).toEqual(["ms-outlook-outage"]);
    expect(ids("장애 DNS")).toEqual([]);
  });

  it("matches one- and two-letter Latin terms as whole words only", () => {
    expect(ids("53")).toEqual(["aws-dns-incident"]); // "Route 53"
    expect(ids("5")).toEqual([]); // not inside 53
    expect(ids("MS")).toEqual(["ms-outlook-outage"]);
  });
});

describe("searchArticles: hostile and invalid queries", () => {
  it("treats FTS5 syntax as text, never as an SQL or FTS error", () => {
    // Quotes, brackets, * ^ : and a leading - or + around a word are dropped.
    const hostile = [
      '"장애"',
      "장애*",
      "(장애)",
      "-장애",
      "+장애",
      "^장애",
      "장애 ''",
    ];
    for (const query of hostile) expect(ids(query), query).toEqual(["ms-outlook-outage"]);
    // NOT, AND, OR and NEAR are words, not operators: no article here contains them.
    for (const query of ["장애 NOT 아웃룩", "장애 AND", "OR 장애", "NEAR"]) expect(ids(query), query).toEqual([]);
    expect(ids('"장""애"')).toEqual([]);
    expect(ids("{title}: 장애")).toEqual([]);
    // A colon inside a term is text too: no column filter, so nothing contains "title:장애".
    expect(ids("title:장애")).toEqual([]);
    expect(ids("NEAR(장애 아웃룩)")).toEqual([]);
    expect(ids("a\u0000b\u0001c")).toEqual([]);
  });

  it("a query with nothing searchable is a SearchQueryError, not an SQL error", () => {
    for (const query of ['"', "*", "(", "-", ":", "***", '"" ()']) {
      expect(() => store.searchArticles(query), query).toThrow(SearchQueryError);
      expect(() => store.searchArticles(query), query).toThrow(/no letters or digits/);
    }
    // Symbols inside a term are searched literally rather than refused.
    expect(ids("C++")).toEqual([]);
  });

  it("rejects empty and whitespace-only queries", () => {
    for (const query of ["", "   ", "\t\n"]) {
      expect(() => store.searchArticles(query)).toThrow(SearchQueryError);
      expect(() => store.searchArticles(query)).toThrow("search query is empty");
    }
  });

  it("rejects queries over 200 characters, naming the limit", () => {
    expect(() => store.searchArticles("장".repeat(201))).toThrow(SearchQueryError);
    expect(() => store.searchArticles("a".repeat(201))).toThrow(/201 characters long; the limit is 200/);
    expect(ids(`  ${"장애 ".repeat(66)}장애  `)).toEqual(["ms-outlook-outage"]); // 200 after trimming
  });
});

describe("searchArticles: filters, ranking and snippets", () => {
  it("restricts results to the given feeds", () => {
    store.upsertFeed({ id: "newsdao", type: "directory", config: {}, destinationIds: [] });
    store.upsertFeed({ id: "other", type: "rss", config: {}, destinationIds: [] });
    store.upsertArticle(outageArticle(), "newsdao");
    store.upsertArticle(outageArticle({ id: "copy", title: "다른 매체: 아웃룩 장애" }), "other");
    expect(ids("장애").sort()).toEqual(["copy", "ms-outlook-outage"]);
    expect(ids("장애", { feedIds: ["other"] })).toEqual(["copy"]);
    expect(ids("장애", { feedIds: ["newsdao", "other"] }).sort()).toEqual(["copy", "ms-outlook-outage"]);
    expect(ids("장애", { feedIds: [] })).toEqual([]);
  });

  it("ranks title matches above body-only matches, however often the body repeats the word", () => {
    store.upsertArticle(
      makeArticle({ id: "body-only", title: "클라우드 소식", paragraphs: ["장애 장애 장애 장애 장애 장애 장애 장애 장애"] }),
      null,
    );
    store.upsertArticle(makeArticle({ id: "title-hit", title: "결제 장애", paragraphs: ["오늘 오후 결제가 멈췄다."] }), null);
    const found = ids("장애");
    expect(found.indexOf("title-hit")).toBeLessThan(found.indexOf("body-only"));
    expect(found.indexOf("ms-outlook-outage")).toBeLessThan(found.indexOf("body-only"));
  });

  it("honours the limit", () => {
    for (let i = 0; i < 5; i++) store.upsertArticle(makeArticle({ id: `o${i}`, title: `장애 ${i}` }), null);
    expect(ids("장애", { limit: 3 })).toHaveLength(3);
    expect(() => store.searchArticles("장애", { limit: 0 })).toThrow(/limit must be a whole number from 1 to 100/);
  });

  it("returns a summary and a snippet that contains the match", () => {
    const [hit] = store.searchArticles("네트워킹");
    expect(hit?.article).toEqual({
      id: "ms-outlook-outage",
      title: outageArticle().title,
      url: "https://news.example/ms-outlook-outage",
      date: "2024-07-11T02:00:00.000Z",
      source: "newsdao.kr",
    });
    expect(hit?.snippet).toContain("애저 네트워킹");
    expect(store.searchArticles("azure")[0]?.snippet).toContain("Azure");
    expect(store.searchArticles("cafe")[0]?.snippet).toContain("café");
  });

  it("cuts long bodies around the match with ellipses", () => {
    const filler = "가나다라마바사 ".repeat(60);
    store.upsertArticle(makeArticle({ id: "long", title: "긴 글", paragraphs: [`${filler}핵심문장 여기 ${filler}`] }), null);
    const snippet = store.searchArticles("핵심문장")[0]!.snippet;
    expect(snippet).toContain("핵심문장");
    expect(snippet.startsWith("…")).toBe(true);
    expect(snippet.endsWith("…")).toBe(true);
    expect(snippet.length).toBeLessThan(260);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SearchQueryError, type Store } from "../../src/store/index.ts";
import { englishArticle, makeArticle, marketArticle, outageArticle } from "../fixtures/store/articles.ts";
import { laterInstant } from "../helpers/clock.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

describe.each(STORE_BACKENDS)("$name store: search", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });
  let store: Store;
  beforeEach(async () => {
    store = current().store;
    await store.upsertArticle(outageArticle(), null);
    await store.upsertArticle(marketArticle(), null);
    await store.upsertArticle(englishArticle(), null);
  });

  const ids = async (query: string, options?: Parameters<Store["searchArticles"]>[1]) =>
    (await store.searchArticles(query, options)).map((hit) => hit.article.id);

  describe("Korean", () => {
    it("finds a two-syllable word (장애) and not text where 장 and 애 are merely close", async () => {
      expect(await ids("장애")).toEqual(["ms-outlook-outage"]);
    });

    it("finds three-syllable words inside longer runs (아웃룩 in 'MS 아웃룩(Azure)')", async () => {
      expect(await ids("아웃룩")).toEqual(["ms-outlook-outage"]);
      expect(await ids("네트워킹")).toEqual(["ms-outlook-outage"]);
    });

    it("needs every word of a two-word query to match", async () => {
      expect(await ids("애저 네트워킹")).toEqual(["ms-outlook-outage"]);
      expect(await ids("애저 애널리스트")).toEqual([]);
    });

    it("matches one syllable anywhere, including at the end of a word", async () => {
      expect((await ids("비")).sort()).toEqual(["market-weather", "ms-outlook-outage"]); // 비가, 서비스
      expect(await ids("춰")).toEqual(["ms-outlook-outage"]); // only in 멈춰, at the end of the title
      expect(await ids("뷁")).toEqual([]);
    });

    it("finds text stored in decomposed (NFD) Hangul with an ordinary query", async () => {
      await store.upsertArticle(makeArticle({ id: "nfd", title: "서버 점검 안내".normalize("NFD") }), null);
      expect(await ids("점검")).toEqual(["nfd"]);
    });

    it("handles Chinese and Japanese runs the same way", async () => {
      await store.upsertArticle(makeArticle({ id: "jp", title: "東京で大規模な通信障害", language: "ja" }), null);
      expect(await ids("障害")).toEqual(["jp"]);
      expect(await ids("通信障害")).toEqual(["jp"]);
      expect(await ids("東")).toEqual(["jp"]);
    });

    it("a one-syllable term followed by a letter matches that syllable ending a word, then that one-letter word", async () => {
      await store.upsertArticle(makeArticle({ id: "plan-a", title: "비상 계획 A 가동" }), null);
      await store.upsertArticle(makeArticle({ id: "plan-ab", title: "비상 계획 AB 가동" }), null);
      expect(await ids("획A")).toEqual(["plan-a"]);
      expect(await ids("계A")).toEqual([]);
    });

    it("a new version without the word is no longer found by it", async () => {
      await store.upsertArticle(
        outageArticle({ title: "MS 아웃룩 복구", paragraphs: ["정상화됐다."], excerpt: "정상화", timeline: null }),
        null,
      );
      expect(await ids("장애")).toEqual([]);
      expect(await ids("정상화")).toEqual(["ms-outlook-outage"]);
    });
  });

  describe("Latin and mixed", () => {
    it("is case-insensitive (Azure, azure, AZURE)", async () => {
      for (const query of ["Azure", "azure", "AZURE", "azu"]) expect(await ids(query)).toEqual(["ms-outlook-outage"]);
    });

    it("folds diacritics both ways (cafe finds café)", async () => {
      expect(await ids("cafe")).toEqual(["aws-dns-incident"]);
      expect(await ids("CAFÉ")).toEqual(["aws-dns-incident"]);
    });

    it("mixes Korean and English terms", async () => {
      expect(await ids("아웃룩 Azure")).toEqual(["ms-outlook-outage"]);
      expect(await ids("장애 MS")).toEqual(["ms-outlook-outage"]);
      expect(await ids("장애 DNS")).toEqual([]);
    });

    it("matches one- and two-letter Latin terms as whole words only", async () => {
      expect(await ids("53")).toEqual(["aws-dns-incident"]); // "Route 53"
      expect(await ids("5")).toEqual([]); // not inside 53
      expect(await ids("MS")).toEqual(["ms-outlook-outage"]);
      expect(await ids("ai")).toEqual([]); // not inside "failures"
    });

    it("matches three or more characters inside words and across punctuation", async () => {
      expect(await ids("Wi-Fi")).toEqual(["aws-dns-incident"]);
      expect(await ids("ute 5")).toEqual([]); // two terms: "ute" (in Route) and the whole word 5
      expect(await ids("olut")).toEqual(["aws-dns-incident"]); // inside "resolution"
    });
  });

  describe("hostile and invalid queries", () => {
    it("treats FTS syntax as text, never as an SQL or FTS error", async () => {
      // Quotes, brackets, * ^ : and a leading - or + around a word are dropped.
      for (const query of ['"장애"', "장애*", "(장애)", "-장애", "+장애", "^장애", "장애 ''"]) {
        expect(await ids(query), query).toEqual(["ms-outlook-outage"]);
      }
      // NOT, AND, OR and NEAR are words, not operators: no article here contains them.
      for (const query of ["장애 NOT 아웃룩", "장애 AND", "OR 장애", "NEAR"])
        expect(await ids(query), query).toEqual([]);
      expect(await ids('"장""애"')).toEqual([]);
      expect(await ids("{title}: 장애")).toEqual([]);
      // A colon inside a term is text too: no column filter, so nothing contains "title:장애".
      expect(await ids("title:장애")).toEqual([]);
      expect(await ids("NEAR(장애 아웃룩)")).toEqual([]);
      expect(await ids("a\u0000b\u0001c")).toEqual([]);
      expect(await ids("'; DROP TABLE articles; --")).toEqual([]);
      expect(await ids("100% _장애_ \\")).toEqual([]);
      expect(await ids("장애")).toEqual(["ms-outlook-outage"]);
    });

    it("a query with nothing searchable is a SearchQueryError, not an SQL error", async () => {
      for (const query of ['"', "*", "(", "-", ":", "***", '"" ()']) {
        await expect(store.searchArticles(query), query).rejects.toThrow(SearchQueryError);
        await expect(store.searchArticles(query), query).rejects.toThrow(/no letters or digits/);
      }
      // Symbols inside a term are searched literally rather than refused.
      expect(await ids("C++")).toEqual([]);
    });

    it("rejects empty and whitespace-only queries", async () => {
      for (const query of ["", "   ", "\t\n"]) {
        await expect(store.searchArticles(query)).rejects.toThrow(SearchQueryError);
        await expect(store.searchArticles(query)).rejects.toThrow("search query is empty");
      }
    });

    it("rejects queries over 200 characters, naming the limit", async () => {
      await expect(store.searchArticles("장".repeat(201))).rejects.toThrow(SearchQueryError);
      await expect(store.searchArticles("a".repeat(201))).rejects.toThrow(/201 characters long; the limit is 200/);
      expect(await ids(`  ${"장애 ".repeat(66)}장애  `)).toEqual(["ms-outlook-outage"]); // 200 after trimming
    });
  });

  describe("filters, ranking and snippets", () => {
    it("restricts results to the given feeds", async () => {
      await store.upsertFeed({ id: "newsdao", type: "directory", config: {}, destinationIds: [] });
      await store.upsertFeed({ id: "other", type: "rss", config: {}, destinationIds: [] });
      await store.upsertArticle(outageArticle(), "newsdao");
      await store.upsertArticle(outageArticle({ id: "copy", title: "다른 매체: 아웃룩 장애" }), "other");
      expect((await ids("장애")).sort()).toEqual(["copy", "ms-outlook-outage"]);
      expect(await ids("장애", { feedIds: ["other"] })).toEqual(["copy"]);
      expect((await ids("장애", { feedIds: ["newsdao", "other"] })).sort()).toEqual(["copy", "ms-outlook-outage"]);
      expect(await ids("장애", { feedIds: [] })).toEqual([]);
    });

    it("ranks title matches above body-only matches, however often the body repeats the word", async () => {
      await store.upsertArticle(
        makeArticle({
          id: "body-only",
          title: "클라우드 소식",
          paragraphs: ["장애 장애 장애 장애 장애 장애 장애 장애 장애"],
        }),
        null,
      );
      await store.upsertArticle(
        makeArticle({ id: "title-hit", title: "결제 장애", paragraphs: ["오늘 오후 결제가 멈췄다."] }),
        null,
      );
      const found = await ids("장애");
      expect(found.indexOf("title-hit")).toBeLessThan(found.indexOf("body-only"));
      expect(found.indexOf("ms-outlook-outage")).toBeLessThan(found.indexOf("body-only"));
    });

    it("ranks an article whose title has every term above one whose title has only some", async () => {
      await store.upsertArticle(makeArticle({ id: "one-term", title: "결제 장애", paragraphs: ["복구 중"] }), null);
      await store.upsertArticle(makeArticle({ id: "both-terms", title: "결제 장애 복구", paragraphs: ["완료"] }), null);
      // The outage article has both words in its body only.
      expect(await ids("장애 복구")).toEqual(["both-terms", "one-term", "ms-outlook-outage"]);
    });

    it("ranks equally relevant articles newest first", async () => {
      for (const [id, date] of [
        ["older", "2024-01-01T00:00:00.000Z"],
        ["newest", "2024-03-01T00:00:00.000Z"],
        ["middle", "2024-02-01T00:00:00.000Z"],
      ] as const) {
        await store.upsertArticle(makeArticle({ id, title: "정전 안내", paragraphs: ["정전 복구"], date }), null);
      }
      expect(await ids("정전")).toEqual(["newest", "middle", "older"]);
      // Undated articles sort by when they were stored.
      await laterInstant();
      await store.upsertArticle(
        makeArticle({ id: "undated", title: "정전 안내", paragraphs: ["정전 복구"], date: null }),
        null,
      );
      expect(await ids("정전")).toEqual(["undated", "newest", "middle", "older"]);
    });

    it("honours the limit", async () => {
      for (let i = 0; i < 5; i++) await store.upsertArticle(makeArticle({ id: `o${i}`, title: `장애 ${i}` }), null);
      expect(await ids("장애", { limit: 3 })).toHaveLength(3);
      expect(await ids("장애")).toHaveLength(6);
      await expect(store.searchArticles("장애", { limit: 0 })).rejects.toThrow(
        /limit must be a whole number from 1 to 100/,
      );
      await expect(store.searchArticles("장애", { limit: 101 })).rejects.toThrow(/from 1 to 100/);
    });

    it("returns a summary and a snippet that contains the match", async () => {
      const [hit] = await store.searchArticles("네트워킹");
      expect(hit?.article).toEqual({
        id: "ms-outlook-outage",
        title: outageArticle().title,
        url: "https://news.example/ms-outlook-outage",
        date: "2024-07-11T02:00:00.000Z",
        source: "newsdao.kr",
      });
      expect(hit?.snippet).toContain("애저 네트워킹");
      expect((await store.searchArticles("azure"))[0]?.snippet).toContain("Azure");
      expect((await store.searchArticles("cafe"))[0]?.snippet).toContain("café");
    });

    it("cuts long bodies around the match with ellipses", async () => {
      const filler = "가나다라마바사 ".repeat(60);
      await store.upsertArticle(
        makeArticle({ id: "long", title: "긴 글", paragraphs: [`${filler}핵심문장 여기 ${filler}`] }),
        null,
      );
      const snippet = (await store.searchArticles("핵심문장"))[0]!.snippet;
      expect(snippet).toContain("핵심문장");
      expect(snippet.startsWith("…")).toBe(true);
      expect(snippet.endsWith("…")).toBe(true);
      expect(snippet.length).toBeLessThan(260);
    });

    it("finds words from the excerpt, timeline, categories and tags", async () => {
      await store.upsertArticle(
        makeArticle({
          id: "tagged",
          title: "제목",
          paragraphs: ["본문"],
          categories: ["클라우드"],
          tags: ["데이터센터"],
        }),
        null,
      );
      expect(await ids("데이터센터")).toEqual(["tagged"]);
      expect(await ids("클라우드")).toContain("tagged");
      expect(await ids("조사 시작")).toEqual(["ms-outlook-outage"]); // a timeline row
    });
  });
});

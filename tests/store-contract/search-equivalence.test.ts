/**
 * Both backends answer the same query with the same articles: one corpus
 * (invented Korean/English news plus the fixtures), stored in each, then
 * searched with fixed queries and with pieces cut from the corpus itself
 * (1–4 characters from anywhere, so CJK bigram/unigram, whole-word and
 * substring matching are all exercised). Ranking between equally good hits
 * may differ (bm25 against its PostgreSQL stand-in); the sets may not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../bench/corpus.ts";
import type { Store } from "../../src/store/index.ts";
import { englishArticle, makeArticle, marketArticle, outageArticle } from "../fixtures/store/articles.ts";
import { postgresBackend, sqliteBackend, type TestDatabase } from "../helpers/store-backends.ts";

// Fewer articles than the search limit (100), so no result list is cut where the two rankings could differ.
const CORPUS = 90;

const FIXED_QUERIES = [
  "장애",
  "아웃룩",
  "애저 네트워킹",
  "비",
  "춰",
  "Azure",
  "azu",
  "cafe",
  "CAFÉ",
  "53",
  "5",
  "MS",
  "ms 장애",
  "Wi-Fi",
  "C++",
  "획A",
  "A",
  "정",
  "정전사태",
  "outage",
  "장애 Azure",
  "東京",
  "障害",
  "통신 障害",
];

/** Deterministic pieces of the corpus text: 1–4 characters from pseudo-random places. */
function piecesOf(texts: string[], count: number): string[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pieces: string[] = [];
  while (pieces.length < count) {
    const chars = Array.from(texts[Math.floor(next() * texts.length)]!);
    const length = 1 + Math.floor(next() * 4);
    const start = Math.floor(next() * Math.max(1, chars.length - length));
    const piece = chars
      .slice(start, start + length)
      .join("")
      .trim();
    if (/[\p{L}\p{N}]/u.test(piece)) pieces.push(piece);
  }
  return pieces;
}

describe("search: SQLite and PostgreSQL find the same articles", () => {
  const stores: Store[] = [];
  const databases: TestDatabase[] = [];
  const texts: string[] = [];

  beforeAll(async () => {
    const articles = [
      ...generateCorpus(CORPUS),
      outageArticle(),
      marketArticle(),
      englishArticle(),
      makeArticle({ id: "plan-a", title: "비상 계획 A 가동" }),
      makeArticle({ id: "jp", title: "東京で大規模な通信障害", language: "ja" }),
      makeArticle({ id: "nfd", title: "서버 점검 안내".normalize("NFD") }),
    ];
    for (const article of articles) texts.push(article.title, article.text);
    for (const backend of [sqliteBackend, postgresBackend]) {
      const db = await backend.createDatabase();
      databases.push(db);
      const store = await db.open();
      stores.push(store);
      for (const article of articles) await store.upsertArticle(article, null);
    }
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const db of databases) await db.drop();
  });

  const idsIn = async (store: Store, query: string) =>
    (await store.searchArticles(query, { limit: 100 })).map((hit) => hit.article.id).sort();

  it("for fixed queries", async () => {
    for (const query of FIXED_QUERIES) {
      const [sqlite, postgres] = [await idsIn(stores[0]!, query), await idsIn(stores[1]!, query)];
      expect(postgres, query).toEqual(sqlite);
    }
  });

  it("for 300 pieces of the corpus text, alone and in pairs", async () => {
    const pieces = piecesOf(texts, 300);
    const queries = [...pieces, ...pieces.slice(0, 100).map((piece, i) => `${piece} ${pieces[i + 100]}`)];
    let matched = 0;
    for (const query of queries) {
      const [sqlite, postgres] = [await idsIn(stores[0]!, query), await idsIn(stores[1]!, query)];
      expect(postgres, query).toEqual(sqlite);
      if (sqlite.length > 0) matched++;
    }
    // The pieces come from the corpus, so most queries find something: the comparison is not of empty lists.
    expect(matched).toBeGreaterThan(queries.length / 2);
  });
});

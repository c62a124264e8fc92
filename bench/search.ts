/**
 * Full-text search over 10,000 stored articles (mixed Korean and English)
 * against the obvious alternative: a `LIKE '%term%'` scan of the same rows.
 * Run alone with `node --import tsx bench/search.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import type { Article } from "../src/article/types.ts";
import { openStore } from "../src/store/index.ts";
import { report, sample } from "./lib.ts";

const ARTICLES = 10_000;
const RUNS = 40;

// Syllables and letters to build a large vocabulary from, so ordinary words are as rare as in real news.
const KO_SYLLABLES = Array.from("가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히강남동령문방산영정진천한");
const EN_LETTERS = Array.from("abcdefghiklmnoprstuvwy");

/** Terms planted into a known share of the articles, as [term, share]. */
const PLANTED: readonly [string, number][] = [
  ["장애", 0.03],
  ["아웃룩", 0.01],
  ["Azure", 0.02],
  ["애저 네트워킹", 0.01],
  ["outage", 0.03],
  ["정전사태", 0.0005],
];

/** Deterministic PRNG (mulberry32) so every run indexes the same corpus. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ (t + Math.imul(t ^ (t >>> 14), 71 | t));
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vocabulary(rand: () => number, alphabet: string[], size: number, minLength: number, spread: number): string[] {
  const pick = () => alphabet[Math.floor(rand() * alphabet.length)]!;
  return Array.from({ length: size }, () => Array.from({ length: minLength + Math.floor(rand() * spread) }, pick).join(""));
}

function generateArticle(i: number, rand: () => number, koWords: string[], enWords: string[]): Article {
  const korean = rand() < 0.6;
  const words = korean ? koWords : enWords;
  const pick = () => words[Math.floor(rand() * words.length)]!;
  const sentence = (n: number) => Array.from({ length: n }, pick).join(" ");
  const title = sentence(5 + Math.floor(rand() * 4));
  const paragraphs = Array.from({ length: 4 + Math.floor(rand() * 6) }, () => `${sentence(12 + Math.floor(rand() * 20))}.`);
  for (const [term, share] of PLANTED) {
    if (rand() < share) paragraphs.splice(Math.floor(rand() * paragraphs.length), 0, `${sentence(4)} ${term} ${sentence(4)}.`);
  }
  const excerpt = paragraphs[0]!;
  const day = 1 + (i % 28);
  return {
    id: `bench-${i}`,
    title,
    url: `https://news.example/${i}`,
    source: "news.example",
    date: `2024-07-${String(day).padStart(2, "0")}T0${i % 10}:00:00.000Z`,
    categories: ["News"],
    tags: [],
    excerpt,
    image: null,
    language: korean ? "ko" : "en",
    body: paragraphs.map((value) => ({ type: "paragraph" as const, children: [{ type: "text" as const, value }] })),
    tables: [],
    timeline: null,
    text: [title, excerpt, ...paragraphs].join("\n"),
  };
}

/** Stores the corpus, then times searches against LIKE scans; prints one line per query. */
export async function benchSearch(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "herald-bench-search-"));
  const path = join(dir, "bench.db");
  const store = openStore(path);
  const raw = new Database(path, { readonly: true });
  try {
    const rand = random(42);
    const koWords = vocabulary(rand, KO_SYLLABLES, 4000, 2, 3);
    const enWords = vocabulary(rand, EN_LETTERS, 4000, 3, 7);
    const started = performance.now();
    store.transaction(() => {
      for (let i = 0; i < ARTICLES; i++) store.upsertArticle(generateArticle(i, rand, koWords, enWords), null);
    });
    console.log(`search: stored and indexed ${ARTICLES} articles in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const queries = ["장애", "아웃룩", "Azure", "애저 네트워킹", "장애 Azure", "outage", "정전사태", "정", "뷁", "없는검색어"];
    for (const query of queries) {
      const terms = query.split(" ");
      const like = raw.prepare(
        `SELECT id, title, url, date, source FROM articles WHERE ${terms.map(() => "json LIKE ?").join(" AND ")}
         ORDER BY coalesce(date, created_at) DESC LIMIT 20`,
      );
      const patterns = terms.map((term) => `%${term}%`);
      let found = 0;
      const subject = await sample(RUNS, () => (found = store.searchArticles(query, { limit: 20 }).length), 3);
      const baseline = await sample(RUNS, () => like.all(...patterns), 3);
      const matching = raw
        .prepare(`SELECT count(*) AS n FROM articles WHERE ${terms.map(() => "json LIKE ?").join(" AND ")}`)
        .get(...patterns) as { n: number };
      report(`search "${query}"`, subject, baseline, `${found} shown of ${matching.n} matching`);
    }
  } finally {
    raw.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchSearch();

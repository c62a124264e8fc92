/**
 * A deterministic corpus of invented news articles (60 % Korean, 40 %
 * English) with a large made-up vocabulary, so ordinary words are as rare as
 * in real news, and a few terms planted into a known share of the articles.
 * The search and command benchmarks store it.
 */
import type { Article } from "../src/article/types.ts";
import type { Store } from "../src/store/index.ts";

// Syllables and letters to build a large vocabulary from.
const KO_SYLLABLES = Array.from(
  "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히강남동령문방산영정진천한",
);
const EN_LETTERS = Array.from("abcdefghiklmnoprstuvwy");

/** Terms planted into a known share of the articles, as [term, share]. */
export const PLANTED: readonly [string, number][] = [
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
  return Array.from({ length: size }, () =>
    Array.from({ length: minLength + Math.floor(rand() * spread) }, pick).join(""),
  );
}

function generateArticle(i: number, rand: () => number, koWords: string[], enWords: string[]): Article {
  const korean = rand() < 0.6;
  const words = korean ? koWords : enWords;
  const pick = () => words[Math.floor(rand() * words.length)]!;
  const sentence = (n: number) => Array.from({ length: n }, pick).join(" ");
  const title = sentence(5 + Math.floor(rand() * 4));
  const paragraphs = Array.from(
    { length: 4 + Math.floor(rand() * 6) },
    () => `${sentence(12 + Math.floor(rand() * 20))}.`,
  );
  for (const [term, share] of PLANTED) {
    if (rand() < share)
      paragraphs.splice(Math.floor(rand() * paragraphs.length), 0, `${sentence(4)} ${term} ${sentence(4)}.`);
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

/** Yields `count` articles, the same ones for the same seed. */
export function* generateCorpus(count: number, seed = 42): Generator<Article> {
  const rand = random(seed);
  const koWords = vocabulary(rand, KO_SYLLABLES, 4000, 2, 3);
  const enWords = vocabulary(rand, EN_LETTERS, 4000, 3, 7);
  for (let i = 0; i < count; i++) yield generateArticle(i, rand, koWords, enWords);
}

/** Stores `count` corpus articles; returns how long it took (ms). */
export async function fillStore(store: Store, count: number, feedId: string | null = null): Promise<number> {
  const started = performance.now();
  for (const article of generateCorpus(count)) await store.upsertArticle(article, feedId);
  return performance.now() - started;
}

/**
 * Full-text search over 10,000 stored articles (mixed Korean and English)
 * against the obvious alternative: a `LIKE '%term%'` scan of the same rows.
 * Run alone with `node --import tsx bench/search.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openStore } from "../src/store/index.ts";
import { fillStore } from "./corpus.ts";
import { heading, isMain, note, report, sample } from "./lib.ts";

const ARTICLES = 10_000;
const RUNS = 40;

/** Stores the corpus, then times searches against LIKE scans; prints one line per query. */
export async function benchSearch(): Promise<void> {
  heading("search: `/news search` store query vs a LIKE scan", {
    articles: ARTICLES,
    "runs per query": RUNS,
    limit: 20,
  });
  const dir = mkdtempSync(join(tmpdir(), "herald-bench-search-"));
  const path = join(dir, "bench.db");
  const store = await openStore({ path: path });
  const raw = new Database(path, { readonly: true });
  try {
    const storing = await fillStore(store, ARTICLES);
    note(`stored and indexed ${ARTICLES.toLocaleString("en-US")} articles in ${(storing / 1000).toFixed(1)} s`);

    const queries = [
      "장애",
      "아웃룩",
      "Azure",
      "애저 네트워킹",
      "장애 Azure",
      "outage",
      "정전사태",
      "정",
      "뷁",
      "없는검색어",
    ];
    for (const query of queries) {
      const terms = query.split(" ");
      const like = raw.prepare(
        `SELECT id, title, url, date, source FROM articles WHERE ${terms.map(() => "json LIKE ?").join(" AND ")}
         ORDER BY coalesce(date, created_at) DESC LIMIT 20`,
      );
      const patterns = terms.map((term) => `%${term}%`);
      let found = 0;
      const subject = await sample(
        RUNS,
        async () => (found = (await store.searchArticles(query, { limit: 20 })).length),
        3,
      );
      const baseline = await sample(RUNS, () => like.all(...patterns), 3);
      const matching = raw
        .prepare(`SELECT count(*) AS n FROM articles WHERE ${terms.map(() => "json LIKE ?").join(" AND ")}`)
        .get(...patterns) as { n: number };
      report(`search "${query}"`, subject, baseline, `${found} shown of ${matching.n} matching`);
    }
  } finally {
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchSearch();

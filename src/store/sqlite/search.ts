import type Database from "better-sqlite3";
import type { Article } from "../../article/types.ts";
import type { SearchHit, SearchOptions } from "../contract.ts";
import { checkSearchLimit } from "../rules.ts";
import { searchDocumentOf } from "../search/document.ts";
import { type ParsedQuery, parseSearchQuery } from "../search/query.ts";
import { snippetFor } from "../search/snippet.ts";
import { toBigramText } from "../search/text.ts";

/** bm25 weight of the title column relative to the body. */
const TITLE_WEIGHT = 10.0;

/**
 * Writes an article's text into both search tables under `seq` (the
 * article's integer key), replacing what was there.
 *
 * Two FTS5 tables: `articles_search_trigram` (trigram tokenizer: substring
 * match for terms of 3+ characters, any script) and `articles_search_bigram`
 * (unicode61 over text whose CJK runs were cut into bigrams: 1–2 character
 * Korean/Chinese/Japanese terms, and short Latin words). Both are contentless:
 * the text lives once, in `articles.json`.
 */
export class SearchIndexWriter {
  private readonly deleteTrigram: Database.Statement;
  private readonly deleteBigram: Database.Statement;
  private readonly insertTrigram: Database.Statement;
  private readonly insertBigram: Database.Statement;

  constructor(db: Database.Database) {
    this.deleteTrigram = db.prepare("DELETE FROM articles_search_trigram WHERE rowid = ?");
    this.deleteBigram = db.prepare("DELETE FROM articles_search_bigram WHERE rowid = ?");
    this.insertTrigram = db.prepare("INSERT INTO articles_search_trigram (rowid, title, body) VALUES (?, ?, ?)");
    this.insertBigram = db.prepare("INSERT INTO articles_search_bigram (rowid, title, body) VALUES (?, ?, ?)");
  }

  /** Indexes `article` under `seq`; call inside the transaction that stores it. */
  put(seq: number, article: Article): void {
    const doc = searchDocumentOf(article);
    this.remove(seq);
    this.insertTrigram.run(seq, doc.title, doc.body);
    this.insertBigram.run(seq, toBigramText(doc.title), toBigramText(doc.body));
  }

  remove(seq: number): void {
    this.deleteTrigram.run(seq);
    this.deleteBigram.run(seq);
  }
}

interface HitRow {
  id: string;
  title: string;
  url: string | null;
  date: string | null;
  source: string | null;
  json: string;
}

type Shape = "trigram" | "bigram" | "both";

/**
 * Runs searches. Every term must match; results are ordered by whether the
 * title alone matches every term, then by bm25 (title weighted
 * {@link TITLE_WEIGHT}× the body), then newest first.
 */
export class ArticleSearch {
  private readonly statements = new Map<Shape, Database.Statement<Record<string, unknown>, HitRow>>();

  constructor(db: Database.Database) {
    for (const shape of ["trigram", "bigram", "both"] as const) {
      this.statements.set(shape, db.prepare<Record<string, unknown>, HitRow>(searchSql(shape)));
    }
  }

  /**
   * Finds articles matching every term of `query`; see {@link parseSearchQuery}
   * for how terms match.
   *
   * @example
   * store.searchArticles("장애 Azure", { limit: 5 });
   * @throws SearchQueryError for an empty, oversized or unsearchable query.
   */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const parsed = parseSearchQuery(query);
    const limit = checkSearchLimit(options.limit);
    const feedIds = options.feedIds;
    if (feedIds !== undefined && feedIds.length === 0) return [];
    const shape: Shape = parsed.trigram && parsed.bigram ? "both" : parsed.trigram ? "trigram" : "bigram";
    const params: Record<string, unknown> = {
      feeds: feedIds === undefined ? null : JSON.stringify(feedIds),
      limit,
      ...matchParams(parsed),
    };
    const rows = this.statements.get(shape)!.all(params);
    return rows.map((row) => ({
      article: { id: row.id, title: row.title, url: row.url, date: row.date, source: row.source },
      snippet: snippetFor(searchDocumentOf(JSON.parse(row.json) as Article).body, parsed.terms),
    }));
  }
}

function matchParams(parsed: ParsedQuery): Record<string, string> {
  const params: Record<string, string> = {};
  if (parsed.trigram) {
    params.trigram = parsed.trigram;
    params.trigramTitle = `{title} : (${parsed.trigram})`;
  }
  if (parsed.bigram) {
    params.bigram = parsed.bigram;
    params.bigramTitle = `{title} : (${parsed.bigram})`;
  }
  return params;
}

function searchSql(shape: Shape): string {
  const tables = shape === "both" ? (["trigram", "bigram"] as const) : ([shape] as const);
  const ctes = tables.map(
    (t) =>
      `m_${t} AS MATERIALIZED (SELECT rowid AS seq, bm25(articles_search_${t}, ${TITLE_WEIGHT}, 1.0) AS score ` +
      `FROM articles_search_${t} WHERE articles_search_${t} MATCH @${t})`,
  );
  const first = `m_${tables[0]}`;
  const joins = tables
    .slice(1)
    .map((t) => `JOIN m_${t} ON m_${t}.seq = ${first}.seq`)
    .join(" ");
  const score = tables.map((t) => `m_${t}.score`).join(" + ");
  const inTitle = tables
    .map((t) => `a.seq IN (SELECT rowid FROM articles_search_${t} WHERE articles_search_${t} MATCH @${t}Title)`)
    .join(" AND ");
  // MATERIALIZED: otherwise SQLite re-runs the second MATCH once per row of the first (seconds, not ms).
  // Rank inside `hits` on keys only, then fetch the stored rows for the few that made the cut.
  return `
    WITH ${ctes.join(", ")},
    hits AS (
      SELECT ${first}.seq AS seq, ${score} AS score, (${inTitle}) AS in_title,
             coalesce(a.date, a.created_at) AS sort_date
      FROM ${first} ${joins} JOIN articles a ON a.seq = ${first}.seq
      WHERE @feeds IS NULL OR a.id IN (SELECT article_id FROM article_feeds WHERE feed_id IN (SELECT value FROM json_each(@feeds)))
      ORDER BY in_title DESC, score ASC, sort_date DESC
      LIMIT @limit
    )
    SELECT a.id, a.title, a.url, a.date, a.source, a.json
    FROM hits JOIN articles a ON a.seq = hits.seq
    ORDER BY hits.in_title DESC, hits.score ASC, hits.sort_date DESC`;
}

import type pg from "pg";
import type { Article } from "../../article/types.ts";
import type { SearchHit, SearchOptions } from "../contract.ts";
import { checkSearchLimit } from "../rules.ts";
import { searchDocumentOf } from "../search/document.ts";
import { type ParsedQuery, parseSearchQuery } from "../search/query.ts";
import { snippetFor } from "../search/snippet.ts";
import { fold } from "../search/text.ts";
import { statement, transaction } from "./pool.ts";
import { searchKeysOf, termLookup } from "./search-keys.ts";

/** Relevance weight of a title occurrence relative to a body one (as the SQLite backend's bm25 weights). */
const TITLE_WEIGHT = 10;
/** BM25's term-frequency saturation and length normalisation, with typical column lengths standing in for averages. */
const K1 = 1.2;
const B = 0.75;
const TYPICAL_TITLE = 40;
const TYPICAL_BODY = 2000;

/**
 * The values of the search columns for `article`, in the order the article
 * statements take them: folded title, folded body and its length (stored, so
 * ranking reads the compressed body once per term), keys of both, keys of the title.
 */
export function searchColumnsOf(article: Article): [string, string, number, string[], string[]] {
  const doc = searchDocumentOf(article);
  const title = fold(doc.title);
  const body = fold(doc.body);
  const titleKeys = searchKeysOf(title);
  const keys = new Set([...titleKeys, ...searchKeysOf(body)]);
  // In characters, as PostgreSQL's length() counts them.
  return [title, body, Array.from(body).length, [...keys], titleKeys];
}

/** bm25-like: occurrences (`tf`) saturate, and count for less in a longer column. */
const saturated = (tf: string, length: string, typical: number) =>
  `${tf} / (${tf} + ${K1} * (${1 - B} + ${B} * ${length} / ${typical}.0))`;

/**
 * $1 keys every hit has; $2 keys that decide the short terms (checked
 * against the title alone for `in_title`); $3 the long terms, which must
 * occur in the folded title or body; $4 every term, for relevance; $5 feed
 * ids or null; $6 the limit. Ranked like the SQLite backend: articles whose
 * title alone matches every term first, then relevance, then newest.
 */
export const SEARCH_SQL = `
  WITH hits AS (
    SELECT a.seq, coalesce(a.date, a.created_at) AS sort_date,
      (a.search_title_keys @> $2::text[]
        AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) t WHERE strpos(a.search_title, t) = 0)) AS in_title,
      (SELECT coalesce(sum(${TITLE_WEIGHT} * ${saturated("c.title_tf", "length(a.search_title)", TYPICAL_TITLE)}
                           + ${saturated("c.body_tf", "a.search_body_length", TYPICAL_BODY)}), 0)
       FROM unnest($4::text[]) t,
         -- OFFSET 0 keeps each replace() to one call per term: pulled up, it would be repeated where tf is used.
         LATERAL (SELECT (length(a.search_title) - length(replace(a.search_title, t, '')))::float8 / greatest(length(t), 1) AS title_tf,
                         (a.search_body_length - length(replace(a.search_body, t, '')))::float8 / greatest(length(t), 1) AS body_tf
                  OFFSET 0) c) AS score
    FROM articles a
    WHERE a.search_keys @> $1::text[]
      AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) t WHERE strpos(a.search_title, t) = 0 AND strpos(a.search_body, t) = 0)
      AND ($5::text[] IS NULL OR EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = a.id AND f.feed_id = ANY($5::text[])))
    ORDER BY in_title DESC, score DESC, sort_date DESC, a.seq DESC
    LIMIT $6
  )
  SELECT a.json FROM hits JOIN articles a ON a.seq = hits.seq
  ORDER BY hits.in_title DESC, hits.score DESC, hits.sort_date DESC, hits.seq DESC`;

const search = statement<{ json: string }>("articles.search", SEARCH_SQL);

/** The values {@link SEARCH_SQL} takes for a parsed query. */
export function searchValues(parsed: ParsedQuery, feedIds: readonly string[] | null, limit: number): unknown[] {
  const keys = new Set<string>();
  const exactKeys: string[] = [];
  const substrings: string[] = [];
  for (const term of parsed.terms) {
    const lookup = termLookup(term);
    for (const key of lookup.keys) keys.add(key);
    if (lookup.exact) exactKeys.push(...lookup.keys);
    else substrings.push(term.folded);
  }
  return [[...keys], exactKeys, substrings, parsed.terms.map((term) => term.folded), feedIds, limit];
}

/**
 * Full-text search with the SQLite backend's rules (see parseSearchQuery):
 * the GIN index on `search_keys` finds the candidates, and a substring check
 * on the folded text decides terms of three or more characters.
 */
export function createSearch(pool: pg.Pool) {
  return async (query: string, options: SearchOptions = {}): Promise<SearchHit[]> => {
    const parsed = parseSearchQuery(query);
    const limit = checkSearchLimit(options.limit);
    if (options.feedIds !== undefined && options.feedIds.length === 0) return [];
    const values = searchValues(parsed, options.feedIds ?? null, limit);
    const rows = await transaction(pool, async (client) => {
      // The planner prices a scan of every row's search_keys as cheap, not knowing each array is compressed
      // out of line: a common one-syllable term (정) chose that scan and took 20× longer than the GIN index.
      await client.query("SET LOCAL enable_seqscan = off");
      return search.rows(client, values);
    });
    return rows.map((row) => {
      const article = JSON.parse(row.json) as Article;
      return {
        article: { id: article.id, title: article.title, url: article.url, date: article.date, source: article.source },
        snippet: snippetFor(searchDocumentOf(article).body, parsed.terms),
      };
    });
  };
}

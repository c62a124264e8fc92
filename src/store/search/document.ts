import type { Article } from "../../article/types.ts";
import { occurringIn } from "../../text/occurrences.ts";
import { normalizeText } from "./text.ts";

/** What the search index holds for one article: two columns, so title hits can be weighted above body hits. */
export interface SearchDocument {
  title: string;
  body: string;
}

/**
 * The searchable text of an article: `article.text` (title, excerpt, body and,
 * from the parser, table cells) plus whatever of the excerpt, tables,
 * timeline, categories and tags it does not already contain, so articles
 * built elsewhere (feeds, tests) are searchable the same way and nothing is
 * counted twice. The title is stripped from the front of the body so a title
 * hit is weighted as a title hit only.
 */
export function searchDocumentOf(article: Article): SearchDocument {
  const title = normalizeText(article.title).trim();
  let text = normalizeText(article.text).trim();
  if (title !== "" && text.startsWith(title)) text = text.slice(title.length).trim();
  // Checked together, in one pass over the text: a long table or thousands of tags made one search per value quadratic.
  const groups: string[][] = [[article.excerpt]];
  for (const table of article.tables) {
    if (table.header) groups.push(table.header);
    for (const row of table.rows) groups.push(row);
  }
  for (const row of article.timeline?.rows ?? []) groups.push([row.time, row.event]);
  groups.push([...article.categories, ...article.tags]);
  const values = groups.map((group) => group.map((value) => normalizeText(value).trim()).filter((v) => v !== ""));
  // The parser writes every table cell as a line of the text: those need no search at all.
  const lines = new Set(text.split("\n"));
  const found = occurringIn(
    text,
    values.flat().filter((v) => !lines.has(v)),
  );
  const missing = values
    .map((group) => group.filter((v) => !lines.has(v) && !found.has(v)))
    .map((group) => (group.length > 0 ? group.join(" · ") : null));
  const pieces = [missing[0] ?? null, text !== "" ? text : null, ...missing.slice(1)].filter(
    (piece): piece is string => piece !== null,
  );
  return { title, body: pieces.join("\n") };
}

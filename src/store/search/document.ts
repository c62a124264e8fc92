import type { Article } from "../../article/types.ts";
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
  const pieces: string[] = [];
  const addMissing = (values: readonly string[]) => {
    const missing = values.map((value) => normalizeText(value).trim()).filter((v) => v !== "" && !text.includes(v));
    if (missing.length > 0) pieces.push(missing.join(" · "));
  };
  addMissing([article.excerpt]);
  if (text !== "") pieces.push(text);
  for (const table of article.tables) {
    if (table.header) addMissing(table.header);
    for (const row of table.rows) addMissing(row);
  }
  for (const row of article.timeline?.rows ?? []) addMissing([row.time, row.event]);
  addMissing([...article.categories, ...article.tags]);
  return { title, body: pieces.join("\n") };
}

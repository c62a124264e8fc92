import type { Article } from "./article/types.ts";

export interface FeedFilters {
  /** Post only articles in one of these categories (case-insensitive); empty = every category. */
  categories: string[];
  /** Post only articles mentioning one of these words; empty = no requirement. */
  include: string[];
  /** Never post articles mentioning any of these words. */
  exclude: string[];
}

/** Whether a feed with these filters should post the article. Words match title, excerpt, body and tags, case-insensitively. */
export function passesFilters(article: Article, filters: FeedFilters): boolean {
  const fold = (s: string) => s.normalize("NFKC").toLocaleLowerCase();
  if (filters.categories.length > 0) {
    const wanted = new Set(filters.categories.map(fold));
    if (!article.categories.some((c) => wanted.has(fold(c)))) return false;
  }
  const haystack = fold([article.title, article.text, ...article.tags, ...article.categories].join("\n"));
  if (filters.include.length > 0 && !filters.include.some((word) => haystack.includes(fold(word)))) return false;
  return !filters.exclude.some((word) => haystack.includes(fold(word)));
}

import type { Article } from "../article/types.ts";

/**
 * How loud a post is. `breaking` and `normal` are first posts; `minor` is a
 * thread update of a story members already have. Destinations map each to
 * who is notified (src/story/notify.ts).
 */
export type Severity = "breaking" | "normal" | "minor";
export const SEVERITIES = ["minor", "normal", "breaking"] as const satisfies readonly Severity[];

/** Title prefixes that make a post breaking when a feed names none of its own. */
export const DEFAULT_BREAKING_PREFIXES: readonly string[] = ["[속보]", "[긴급]", "[단독]", "BREAKING", "URGENT"];

/**
 * `breaking` when the article says so (front matter `breaking: true`) or its
 * title starts with one of `prefixes` (case-insensitive; a prefix ending in a
 * letter must end a word, so "URGENTLY" is not "URGENT"); else `normal`.
 * Prefixes are plain text, not patterns: a feed's config cannot make matching slow.
 */
export function severityOf(article: Pick<Article, "title" | "breaking">, prefixes = DEFAULT_BREAKING_PREFIXES) {
  if (article.breaking) return "breaking" as const;
  const title = article.title.trimStart().toLocaleLowerCase("en");
  for (const prefix of prefixes) {
    const wanted = prefix.trim().toLocaleLowerCase("en");
    if (!wanted || !title.startsWith(wanted)) continue;
    const next = title.charAt(wanted.length);
    if (/\p{L}$/u.test(wanted) && /[\p{L}\p{N}]/u.test(next)) continue;
    return "breaking" as const;
  }
  return "normal" as const;
}

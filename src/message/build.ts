import type { Article, Block } from "../article/types.ts";
import { cleanBlocks, cleanText, cleanTimeline } from "./clean.ts";
import { labelsFor } from "./labels.ts";
import type { CardRef, Detail, NewsMessage } from "./types.ts";

export interface BuildOptions {
  /** "summary" (default): the lead only; "full": the whole body. */
  detail?: Detail;
  /** The timeline card rendered for this article, if any. */
  card?: CardRef | null;
  /** Language of the channel's readers; chooses Herald's own labels. Defaults to the article's language. */
  locale?: string;
}

/**
 * Builds the platform-neutral message for one article. Pure: no I/O.
 * Control and bidi characters in the article's text are left out here, the
 * one place every post, edit and `/news show` passes through.
 *
 * @example buildMessage(article, { detail: "full", card, locale: "ko" })
 */
export function buildMessage(article: Article, opts: BuildOptions = {}): NewsMessage {
  const detail = opts.detail ?? "summary";
  if (detail !== "summary" && detail !== "full") {
    throw new Error(`detail must be "summary" or "full", got ${JSON.stringify(detail)}`);
  }
  return {
    articleId: article.id,
    // A message title is one line: feeds and LLM-written posts sometimes wrap theirs.
    title: cleanText(article.title.replace(/\s+/g, " ")).trim(),
    url: article.url,
    source: article.source === null ? null : cleanText(article.source),
    date: article.date,
    language: article.language,
    categories: article.categories.map(cleanText),
    blocks: cleanBlocks(detail === "full" && article.body.length > 0 ? article.body : summaryBlocks(article)),
    image: article.image,
    card: opts.card ?? null,
    timeline: cleanTimeline(article.timeline),
    readMoreLabel: labelsFor(opts.locale ?? article.language).readMore,
  };
}

/**
 * The lead (the excerpt as parsed rich text) when the parser gave one; else the excerpt as plain text: blank lines separate paragraphs, single
 * newlines become line breaks. Without an excerpt, the body's first paragraph.
 */
function summaryBlocks(article: Article): Block[] {
  if (article.lead?.length) return article.lead;
  const excerpt = article.excerpt.trim();
  if (!excerpt) {
    const first = article.body.find((block) => block.type === "paragraph");
    return first ? [first] : [];
  }
  return excerpt.split(/\n[ \t]*\n\s*/).map((paragraph) => ({
    type: "paragraph",
    children: paragraph.split("\n").flatMap((line, i) => {
      const text = { type: "text" as const, value: line.trim() };
      return i === 0 ? [text] : [{ type: "break" as const }, text];
    }),
  }));
}

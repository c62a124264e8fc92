import { createHash } from "node:crypto";
import type { ArticleFields } from "../article/index.ts";
import { collapse, escapeHtml } from "./html.ts";
import type { FeedItem, ItemCandidate } from "./types.ts";

/**
 * Settles item keys: an item without guid/id/link gets a key hashed from
 * its title and date (or its text when it has no title), an item with
 * nothing to hash is skipped, and when two items share a key the first
 * one wins.
 */
export function finalizeItems(candidates: ItemCandidate[]): FeedItem[] {
  const seen = new Set<string>();
  const items: FeedItem[] = [];
  for (const candidate of candidates) {
    const key = collapse(candidate.key) ?? fallbackKey(candidate);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    items.push({ ...candidate, key });
  }
  return items;
}

function fallbackKey(item: ItemCandidate): string | null {
  const basis = item.title ? `${item.title}\n${item.date ?? ""}` : (item.summary ?? item.html);
  if (!basis) return null;
  return `sha256:${createHash("sha256").update(basis).digest("hex").slice(0, 32)}`;
}

/** Plain text (JSON Feed content_text, Atom type="text") → HTML paragraphs with line breaks kept. */
export function textToHtml(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  if (!trimmed) return null;
  return trimmed
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => `<p>${escapeHtml(paragraph.trim()).replace(/\r?\n/g, "<br>")}</p>`)
    .join("\n");
}

/** Trimmed, non-empty, de-duplicated strings in first-seen order. */
export function uniqueStrings(values: (string | null | undefined)[]): string[] {
  // A Set, not out.includes(): thousands of categories on one item made that quadratic.
  return [...new Set(values.map(collapse).filter((text): text is string => !!text))];
}

/** A feed item as the fields of an article: its HTML is the body, its summary the excerpt. */
export function articleFieldsOf(item: FeedItem): ArticleFields {
  return {
    id: null,
    title: item.title,
    body: item.html ?? "",
    bodyFormat: "html",
    url: item.url,
    date: item.date,
    categories: item.categories,
    excerpt: item.summary,
    image: item.image,
  };
}

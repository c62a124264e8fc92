import type { SearchTerm } from "./query.ts";
import { foldWithOffsets } from "./text.ts";

/** Characters of context kept before the first match. */
const BEFORE = 60;
/** Total length of a snippet, in UTF-16 units, before ellipses are added. */
const LENGTH = 180;

/**
 * A short plain-text excerpt of `body` around the earliest place any term
 * matches (case- and accent-insensitively), with "…" where it was cut. When
 * no term occurs in the body (a title-only hit) it is the start of the body.
 */
export function snippetFor(body: string, terms: readonly SearchTerm[]): string {
  const text = body.replace(/\s+/gu, " ").trim();
  const { folded, offsets } = foldWithOffsets(text);
  let first = Number.POSITIVE_INFINITY;
  let firstEnd = 0;
  for (const term of terms) {
    const at = findTerm(folded, term);
    const from = offsets[at] ?? 0;
    if (at >= 0 && from < first) {
      first = from;
      firstEnd = offsets[at + term.folded.length] ?? text.length;
    }
  }
  const start = Number.isFinite(first) ? backToWordStart(text, Math.max(0, first - BEFORE), first) : 0;
  let end = Math.min(text.length, Math.max(start + LENGTH, firstEnd));
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end++; // never split a surrogate pair
  end = forwardToWordEnd(text, end);
  return `${start > 0 ? "…" : ""}${text.slice(start, end).trim()}${end < text.length ? "…" : ""}`;
}

function findTerm(folded: string, term: SearchTerm): number {
  if (!term.wholeWord) return folded.indexOf(term.folded);
  const escaped = term.folded.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return folded.search(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u"));
}

/** Moves a cut forward to just after a space when one is near, so the snippet does not open mid-word. */
function backToWordStart(text: string, from: number, match: number): number {
  if (from === 0) return 0;
  const space = text.indexOf(" ", from);
  if (space >= 0 && space < match) return space + 1;
  return /[\uDC00-\uDFFF]/.test(text.charAt(from)) ? from + 1 : from; // never open on half a surrogate pair
}

/** Extends a cut to the end of the word it falls in, up to 20 characters. */
function forwardToWordEnd(text: string, end: number): number {
  if (end >= text.length) return text.length;
  const space = text.indexOf(" ", end);
  return space >= 0 && space - end <= 20 ? space : end;
}

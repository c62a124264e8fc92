import { SearchQueryError } from "../errors.ts";
import { fold, isCjkChar, normalizeText } from "./text.ts";

/** Longest query accepted, in characters (after trimming). */
export const MAX_QUERY_LENGTH = 200;

/** Terms this long or longer are matched as substrings by the trigram index. */
const TRIGRAM_MIN = 3;

/** One whitespace-separated term of a query and how it is matched. */
export interface SearchTerm {
  /** The term as searched (normalised, edge punctuation removed). */
  text: string;
  /** `text` folded for case- and accent-insensitive comparison. */
  folded: string;
  /**
   * "trigram": 3+ characters, matched anywhere (inside words too).
   * "bigram": 1–2 characters, matched as CJK bigrams / whole Latin words.
   */
  index: "trigram" | "bigram";
  /** The FTS5 expression for this term, every string in it quoted. */
  expression: string;
  /** True when the term only matches whole words (short Latin terms such as "AI"). */
  wholeWord: boolean;
}

/** A parsed query: every term must match (AND). */
export interface ParsedQuery {
  terms: SearchTerm[];
  /** The MATCH expression for the trigram table, or null when no term uses it. */
  trigram: string | null;
  /** The MATCH expression for the bigram table, or null when no term uses it. */
  bigram: string | null;
}

// Quotes, brackets and FTS5 operators people type around words: "장애", (Azure), -outage, cloud*
const EDGE_CHARS = "\"'`“”‘’„「」『』«»()\\[\\]{}<>*:^,.!?;";
const LEADING = new RegExp(`^[${EDGE_CHARS}+\\-]+`, "u");
const TRAILING = new RegExp(`[${EDGE_CHARS}]+$`, "u");
// For short terms: CJK runs first (bigrammed), then anything the word tokenizer keeps.
const SHORT_PIECES =
  /([\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC]+)|([\p{L}\p{N}\p{M}\p{Co}]+)/gu;

/**
 * Characters as people count them (code points), without building an array: a hostile query of
 * megabytes is refused in time linear in its length and without allocating per character.
 */
function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** Quotes a string for FTS5: inside double quotes every character is literal; a `"` is doubled. */
export function quoteFts(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * Parses what a person typed into search terms. Terms are separated by
 * whitespace and all must match; there are no operators: `"`, `*`, `:`,
 * `(`, `-`, AND, OR, NOT and NEAR are searched as text (quotes, brackets
 * and a leading `-` around a term are dropped).
 *
 * Matching rules:
 * - 3 or more characters: anywhere in title or body ("Azur" finds "Azure",
 *   "아웃룩" finds "MS 아웃룩(Azure)").
 * - 2 Hangul/Han/Kana characters ("장애"): that exact pair, anywhere.
 * - 1 Hangul/Han/Kana character ("비"): that character anywhere.
 * - 1–2 Latin letters or digits ("AI", "5G", "X"): whole words only, so "AI"
 *   does not find "air".
 *
 * @throws SearchQueryError when the query is empty, longer than
 *   {@link MAX_QUERY_LENGTH} characters, or has no letters, digits or other
 *   searchable characters.
 */
export function parseSearchQuery(raw: string): ParsedQuery {
  if (typeof raw !== "string") throw new SearchQueryError("search query must be a string");
  const trimmed = raw.trim();
  if (trimmed === "") throw new SearchQueryError("search query is empty");
  const length = codePointCount(trimmed);
  if (length > MAX_QUERY_LENGTH) {
    throw new SearchQueryError(`search query is ${length} characters long; the limit is ${MAX_QUERY_LENGTH}`);
  }
  const terms: SearchTerm[] = [];
  const seen = new Set<string>();
  for (const word of normalizeText(trimmed).split(/\s+/u)) {
    const term = toTerm(word.replace(LEADING, "").replace(TRAILING, ""));
    if (!term || seen.has(term.folded)) continue;
    seen.add(term.folded);
    terms.push(term);
  }
  if (terms.length === 0) {
    throw new SearchQueryError(`search query ${JSON.stringify(trimmed)} has no letters or digits to search for`);
  }
  const join = (index: SearchTerm["index"]) => {
    const parts = terms.filter((term) => term.index === index).map((term) => term.expression);
    return parts.length > 0 ? parts.join(" AND ") : null;
  };
  return { terms, trigram: join("trigram"), bigram: join("bigram") };
}

function toTerm(text: string): SearchTerm | null {
  if (text === "") return null;
  const folded = fold(text);
  if (Array.from(text).length >= TRIGRAM_MIN) {
    return { text, folded, index: "trigram", expression: quoteFts(text), wholeWord: false };
  }
  const pieces = shortTermPieces(text);
  if (pieces.length === 0) return null;
  const phrase = pieces.map((piece) => `${quoteFts(piece.token)}${piece.prefix ? "*" : ""}`);
  const wholeWord = pieces.every((piece) => !piece.cjk);
  return { text, folded, index: "bigram", expression: phrase.join(" + "), wholeWord };
}

/** One token of a short (bigram-index) term, in the order the term's phrase lists them. */
export interface ShortTermPiece {
  token: string;
  /** A CJK run (matched as bigrams) rather than a word. */
  cjk: boolean;
  /** Matched as a prefix: a lone CJK character at the end may be the start of any bigram ("비" in "비가"). */
  prefix: boolean;
}

/** The tokens a 1–2 character term is matched as: CJK runs first (bigrammed), then anything the word tokenizer keeps. */
export function shortTermPieces(text: string): ShortTermPiece[] {
  const pieces = [...text.matchAll(SHORT_PIECES)];
  return pieces.map((piece, i) => {
    const token = piece[0];
    const prefix = i === pieces.length - 1 && Array.from(token).length === 1 && isCjkChar(token);
    return { token, cjk: piece[1] !== undefined, prefix };
  });
}

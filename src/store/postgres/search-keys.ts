/**
 * The keys PostgreSQL's search index holds, computed here rather than by a
 * PostgreSQL tokenizer or extension, so Korean search works the same on any
 * database locale (pg_trgm sees no letters in Hangul under LC_CTYPE C).
 *
 * Keys are chosen so that the SQLite backend's matching rules
 * (search/query.ts) become array containment: for a 1–2 character term the
 * keys decide the match exactly; for a 3+ character term they narrow the
 * candidates, and a substring check on the folded text decides.
 *
 * - every CJK character, and every CJK bigram inside a run ("아웃룩" → 아, 웃, 룩, 아웃, 웃룩);
 * - every word of 1–2 characters whole ("ms", "53"), and a run's last character
 *   followed by such a word ("장 a": the phrase a term like "장a" is matched as);
 * - every 3-character window inside a longer word ("azure" → azu, zur, ure).
 * Text and terms are folded (search/text.ts `fold`) before keys are taken.
 */
import type { SearchTerm } from "../search/query.ts";
import { shortTermPieces } from "../search/query.ts";
import { fold } from "../search/text.ts";

/** Words this long or shorter are keys whole: short Latin terms match whole words only. */
const SHORT_WORD = 2;
const TRIGRAM = 3;

const CJK = "\\p{Script=Hangul}\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u30FC";
/** A CJK run, or a word: what the SQLite bigram index's tokenizer keeps, CJK split off first. */
const TOKENS = new RegExp(`([${CJK}]+)|((?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}\\p{Co}])+)`, "gu");

/** The search keys of one column's folded text (title or body; a phrase never spans the two). */
export function searchKeysOf(folded: string): string[] {
  const keys = new Set<string>();
  let runEnd: string | null = null;
  for (const match of folded.matchAll(TOKENS)) {
    const chars = Array.from(match[0]);
    if (match[1] !== undefined) {
      addCjkKeys(keys, chars);
      runEnd = chars[chars.length - 1] ?? null;
      continue;
    }
    if (chars.length <= SHORT_WORD) {
      keys.add(match[0]);
      if (runEnd !== null) keys.add(`${runEnd} ${match[0]}`);
    }
    addTrigrams(keys, chars);
    runEnd = null;
  }
  return [...keys];
}

/** How one query term is looked up. */
export interface TermLookup {
  /** Keys every matching article has. */
  keys: string[];
  /** True when having the keys is the match (1–2 character terms); else the folded text must contain `term.folded`. */
  exact: boolean;
}

export function termLookup(term: SearchTerm): TermLookup {
  if (term.index === "bigram") {
    const pieces = shortTermPieces(term.text).map((piece) => fold(piece.token));
    return { keys: [pieces.join(" ")], exact: true };
  }
  const keys = new Set<string>();
  for (const match of term.folded.matchAll(TOKENS)) {
    const chars = Array.from(match[0]);
    if (match[1] !== undefined) addCjkKeys(keys, chars);
    else addTrigrams(keys, chars);
  }
  return { keys: [...keys], exact: false };
}

function addCjkKeys(keys: Set<string>, chars: readonly string[]): void {
  for (let i = 0; i < chars.length; i++) {
    keys.add(chars[i]!);
    if (i + 1 < chars.length) keys.add(chars[i]! + chars[i + 1]!);
  }
}

function addTrigrams(keys: Set<string>, chars: readonly string[]): void {
  for (let i = 0; i + TRIGRAM <= chars.length; i++) keys.add(chars.slice(i, i + TRIGRAM).join(""));
}

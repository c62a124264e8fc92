/**
 * Text helpers shared by the search index and the query parser. Hangul, Han
 * and Kana are written without spaces between words, so word tokenizers see
 * a whole phrase as one token; these helpers cut such runs into overlapping
 * character bigrams instead, the usual approach for CJK full-text search.
 */

/** One run of Hangul, Han, Hiragana or Katakana characters (and the Katakana long-vowel mark). */
export const CJK_RUN = /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC]+/gu;

const CJK_CHAR = /^[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC]$/u;

/** True when `char` (one code point) is Hangul, Han or Kana. */
export function isCjkChar(char: string): boolean {
  return CJK_CHAR.test(char);
}

/**
 * Normalises text before it is indexed or searched: NFKC (so full-width
 * letters, half-width Kana and decomposed Hangul from macOS files compare
 * equal to their usual forms) and control characters turned into spaces.
 */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").replace(/\p{Cc}/gu, " ");
}

/**
 * The bigram form of `text` for the short-term index: every CJK run becomes
 * its overlapping bigrams followed by its last character on its own
 * ("아웃룩" → "아웃 웃룩 룩"), everything else is left for the word tokenizer.
 * The trailing unigram lets a one-character query match a character at the
 * end of a run, and the bigrams make two-character queries (장애) exact.
 */
export function toBigramText(text: string): string {
  return text.replace(CJK_RUN, (run) => ` ${cjkRunTokens(run).join(" ")} `);
}

/** The tokens {@link toBigramText} emits for one CJK run. */
export function cjkRunTokens(run: string): string[] {
  const chars = Array.from(run);
  const tokens: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i]! + chars[i + 1]!);
  const last = chars[chars.length - 1];
  if (last !== undefined) tokens.push(last);
  return tokens;
}

/**
 * Folds one code point for case- and accent-insensitive comparison the way
 * the FTS tokenizers do: lower case, Latin diacritics removed. Hangul is left
 * whole (its decomposition is jamo, not base letter + accent).
 */
function foldChar(char: string): string {
  const code = char.charCodeAt(0);
  // Fast paths for the bulk of news text: ASCII, and precomposed Hangul syllables (which never fold).
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : char;
  if (code >= 0xac00 && code <= 0xd7a3) return char;
  const compatible = char.normalize("NFKC");
  const decomposed = compatible.normalize("NFD");
  const base = /\p{M}/u.test(decomposed) ? decomposed.replace(/\p{M}/gu, "") : compatible;
  return base.toLowerCase();
}

/** `text` folded for comparison, with `offsets[i]` = index in `text` of folded char `i` (one extra entry for the end). */
export interface FoldedText {
  folded: string;
  offsets: Uint32Array;
}

/** Folds `text` (see {@link foldChar}) keeping a map back to the original offsets, for cutting snippets. */
export function foldWithOffsets(text: string): FoldedText {
  // A typed array sized up front: pushing one number per character onto a plain array made a long
  // body's snippet cost grow faster than its length (8x slower at 80 KB, measured).
  let offsets: Uint32Array = new Uint32Array(text.length + 1);
  let count = 0;
  let folded = "";
  let index = 0;
  for (const char of text) {
    const piece = foldChar(char);
    if (count + piece.length + 1 > offsets.length) offsets = grown(offsets, count + piece.length + 1);
    for (let k = 0; k < piece.length; k++) offsets[count++] = index;
    folded += piece;
    index += char.length;
  }
  offsets[count++] = index;
  return { folded, offsets: offsets.subarray(0, count) };
}

/** A copy of `array` with room for at least `needed` entries (folding can lengthen text: NFKC expands some characters). */
function grown(array: Uint32Array, needed: number): Uint32Array {
  const bigger = new Uint32Array(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** `text` folded for comparison (see {@link foldWithOffsets}). */
export function fold(text: string): string {
  let folded = "";
  for (const char of text) folded += foldChar(char);
  return folded;
}

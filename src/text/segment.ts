/**
 * Safe cut points inside a string: grapheme cluster boundaries (so a Hangul
 * syllable, a decomposed jamo sequence, an emoji ZWJ sequence, a flag or a
 * skin-tone modifier is never split), preferring the end of a word.
 *
 * Positions are UTF-16 code units (String indices). Every platform Herald
 * posts to counts length in units no larger than that, so a string that fits
 * by `String.length` fits everywhere.
 */

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: "word" });

/**
 * Intl's `containing` costs time proportional to the whole string, so long
 * strings are segmented only in a window around the index. The window starts
 * well before the index (and before any run of regional indicators, whose
 * pairing counts from the run's start); a boundary found too close to the
 * window's start could be an artefact of starting mid-cluster, and then the
 * whole string is used instead.
 */
const WINDOW_BEFORE = 256;
const WINDOW_AFTER = 64;
const TRUSTED_FROM = 64;
const DIRECT_UP_TO = 1024;

interface Window {
  text: string;
  offset: number;
}

function windowAround(text: string, index: number): Window | null {
  if (text.length <= DIRECT_UP_TO) return null;
  let start = Math.max(0, index - WINDOW_BEFORE);
  if (isLowSurrogate(text.charCodeAt(start))) start -= 1;
  while (start >= 2 && isRegionalIndicatorAt(text, start - 2)) start -= 2;
  return { text: text.slice(start, Math.min(text.length, index + WINDOW_AFTER)), offset: start };
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function isRegionalIndicatorAt(text: string, i: number): boolean {
  const cp = text.codePointAt(i) ?? 0;
  return cp >= 0x1f1e6 && cp <= 0x1f1ff;
}

/** The largest grapheme boundary at or before `index` (0 ≤ result ≤ text.length). */
export function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  if (index >= text.length) return text.length;
  if (index <= 0) return 0;
  const win = windowAround(text, index);
  if (win) {
    const at = win.offset + (graphemeSegmenter.segment(win.text).containing(index - win.offset)?.index ?? 0);
    if (win.offset === 0 || at - win.offset >= TRUSTED_FROM) return at;
  }
  // `containing` asks ICU for the cluster around one index, not for every cluster.
  return graphemeSegmenter.segment(text).containing(index)?.index ?? index;
}

/** How far back (in code units) a cut may move to land on a word end, at most. */
const MAX_WORD_BACKOFF = 32;

/**
 * Where to cut `text` so that at most `index` code units are kept: a grapheme
 * boundary, moved back to the start of the word it falls in when that word
 * follows a space or punctuation and the move is short. Text without spaces
 * between words (Chinese, Japanese) has word-like segments back to back, so
 * the cut stays on the grapheme boundary there.
 */
export function cutIndex(text: string, index: number): number {
  const at = graphemeBoundaryAtOrBefore(text, index);
  if (at === 0 || at >= text.length) return at;
  const win = windowAround(text, at) ?? { text, offset: 0 };
  const local = at - win.offset;
  const segments = wordSegmenter.segment(win.text);
  const word = segments.containing(local);
  if (!word || word.index === local || !word.isWordLike) return at;
  const start = word.index;
  if (start === 0 || local - start > Math.min(MAX_WORD_BACKOFF, at / 2)) return at;
  // Too close to a window's start to trust what precedes the word: keep the grapheme cut.
  if (win.offset > 0 && start < TRUSTED_FROM) return at;
  const before = segments.containing(start - 1);
  return before && !before.isWordLike ? win.offset + start : at;
}

import { cutIndex } from "./segment.ts";

/** Marks text that was shortened. One code unit, one grapheme. */
export const ELLIPSIS = "…";

/**
 * The first `keep` code units of `text` (or fewer, on a safe boundary) with
 * trailing spaces dropped, followed by an ellipsis.
 */
export function shortenTo(text: string, keep: number): string {
  const head = text.slice(0, cutIndex(text, Math.max(0, keep))).trimEnd();
  return head + ELLIPSIS;
}

/**
 * Shortens plain text to at most `maxLength` UTF-16 code units, ending with "…"
 * when anything was cut. Never splits a grapheme cluster; prefers word ends.
 *
 * @example truncate("Azure outage hits Outlook", 16) // "Azure outage…"
 */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength < ELLIPSIS.length) return "";
  return shortenTo(text, maxLength - ELLIPSIS.length);
}

/**
 * Shortens `text` so that `render(text)` measures at most `limit`, for text
 * that grows when rendered (escaping, markup). Binary search over how many
 * code units of the source to keep, so it renders O(log n) times.
 * Returns the rendered string, or "" when not even an ellipsis fits.
 */
export function fitText(
  text: string,
  render: (text: string) => string,
  limit: number,
  measure: (rendered: string) => number = (s) => s.length,
): string {
  const whole = render(text);
  if (measure(whole) <= limit) return whole;
  let best = render(ELLIPSIS);
  if (measure(best) > limit) return "";
  // Each kept code unit renders to at least one, so more than `limit` never fits.
  let lo = 1;
  let hi = Math.min(text.length - 1, limit);
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const candidate = render(shortenTo(text, mid));
    if (measure(candidate) <= limit) {
      best = candidate;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

import { toText } from "hast-util-to-text";
import { htmlToHast } from "../article/hast.ts";

/**
 * Readable plain text of an HTML fragment (what a browser's innerText
 * would give: scripts and styles dropped, entities decoded), with runs of
 * whitespace collapsed. Empty text is null.
 */
export function htmlToText(html: string | null | undefined): string | null {
  if (!html) return null;
  try {
    return collapse(toText(htmlToHast(html)));
  } catch (error) {
    // Hostile nesting (hundreds of thousands of open tags) overflows the
    // recursive tree walkers; such an item simply has no summary.
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/** Collapses whitespace; null when nothing is left. */
export function collapse(text: string | null | undefined): string | null {
  const collapsed = text?.replace(/\s+/g, " ").trim();
  return collapsed ? collapsed : null;
}

/** Plain text → HTML that shows exactly that text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** True when a string carries markup or entities, so it must be read as HTML rather than shown as is. */
export function looksLikeHtml(text: string): boolean {
  return /<[A-Za-z/!]|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);/.test(text);
}

const URL_ATTRIBUTE = /(\s(?:href|src|poster)\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Makes relative `href`/`src` attributes in an item's HTML absolute against
 * the item's base (xml:base or link), because once the HTML leaves the feed
 * nothing else knows what they were relative to. Absolute URLs, fragments
 * and other schemes are left untouched.
 */
export function absolutizeHtmlUrls(html: string, base: string | null): string {
  if (!base) return html;
  return html.replace(URL_ATTRIBUTE, (whole, prefix: string, doubleQuoted?: string, singleQuoted?: string) => {
    const value = doubleQuoted ?? singleQuoted ?? "";
    const trimmed = value.trim();
    if (!trimmed || trimmed.startsWith("#") || HAS_SCHEME.test(trimmed)) return whole;
    let absolute: string;
    try {
      absolute = new URL(trimmed.replace(/&amp;/g, "&"), base).href.replace(/&/g, "&amp;");
    } catch {
      return whole;
    }
    const quote = doubleQuoted === undefined ? "'" : '"';
    return `${prefix}${quote}${absolute}${quote}`;
  });
}

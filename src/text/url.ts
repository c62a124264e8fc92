/**
 * Returns the normalised URL when `url` is an absolute http(s) URL, else null.
 * Only these become links: `javascript:`, `data:`, relative and malformed
 * URLs stay text.
 */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  return parsed.href;
}

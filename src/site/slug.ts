/**
 * Slugs the way each generator makes them, so derived URLs match the
 * published ones. Letters of every script count as alphanumerics (Ruby's
 * [[:alnum:]] and Go's unicode.IsLetter both do), so Korean slugs stay Korean.
 */

/** Jekyll `Utils.slugify(text, mode: "default")`: runs of non-alphanumerics become "-", lowercased unless `cased`. */
export function jekyllSlugify(text: string, options: { mode?: "default" | "pretty"; cased?: boolean } = {}): string {
  const pattern = options.mode === "pretty" ? /[^\p{L}\p{N}\p{M}._~!$&'()+,;=@]+/gu : /[^\p{L}\p{N}\p{M}]+/gu;
  const slug = text.replace(pattern, "-").replace(/^-+|-+$/g, "");
  return options.cased ? slug : slug.toLowerCase();
}

/** Jekyll `Utils.titleize_slug`: "empty-yaml" → "Empty Yaml" (Ruby's capitalize lowercases the rest). */
export function titleizeSlug(slug: string): string {
  return slug
    .split("-")
    .map((word) => (word ? word.charAt(0).toUpperCase() + word.slice(1).toLowerCase() : word))
    .join(" ");
}

/** Hugo `urlize`: spaces become "-", characters outside letters, digits, marks and `._-/` are dropped, lowercased. */
export function hugoUrlize(text: string): string {
  return text
    .trim()
    .replace(/\s+/g, "-")
    .replace(/[^\p{L}\p{N}\p{M}._\-/]+/gu, "")
    .replace(/-{2,}/g, "-")
    .toLowerCase();
}

/** Zola `slugify.paths = "on"` for ASCII text; other scripts are kept (Zola would transliterate them, which Herald cannot reproduce exactly). */
export function zolaSlugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * What a decoded document is, judged from its first meaningful characters,
 * so that "this is an HTML page" or "this is a sitemap" can be said plainly
 * instead of a feed parser's generic "unrecognized format".
 */
export type DocumentKind =
  | { kind: "empty" }
  | { kind: "json" }
  /** `root` is the root element's name as written, prefix included (`rdf:RDF`). */
  | { kind: "xml"; root: string }
  | { kind: "html" }
  | { kind: "other" };

/**
 * Leading constructs skipped before the root element: declaration, PIs,
 * comments, doctype. The doctype's `[^[>]*` already takes any whitespace
 * before its `>`: a `\s*` after it as well made an unclosed doctype over
 * whitespace quadratic.
 */
const PROLOG_ITEM = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE\s[^[>]*(?:\[[\s\S]*?\]\s*)?>)/i;
const ROOT_NAME = /^<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)[\s/>]/;
const HTML_ROOTS = new Set(["html", "head", "body"]);

export function sniffDocument(text: string): DocumentKind {
  let rest = text.replace(/^\uFEFF/, "");
  if (!rest.trim()) return { kind: "empty" };
  if (/^\s*[{[]/.test(rest)) return { kind: "json" };
  if (/^\s*<!DOCTYPE\s+html[\s>]/i.test(rest)) return { kind: "html" };

  // Every iteration consumes at least one character, so this ends.
  for (let m = PROLOG_ITEM.exec(rest); m; m = PROLOG_ITEM.exec(rest)) {
    if (/^<!DOCTYPE\s+html[\s>]/i.test(m[0])) return { kind: "html" };
    rest = rest.slice(m[0].length);
  }
  const root = ROOT_NAME.exec(rest)?.[1];
  if (!root) return { kind: "other" };
  if (HTML_ROOTS.has(root.toLowerCase())) return { kind: "html" };
  return { kind: "xml", root };
}

/** The root element's local name, lower-cased: `rdf:RDF` → `rdf`. */
export function localName(qualified: string): string {
  return (qualified.split(":").pop() ?? qualified).toLowerCase();
}

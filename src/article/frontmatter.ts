import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";

export interface FrontMatter {
  data: Record<string, unknown>;
  body: string;
  format: "yaml" | "toml" | "json" | "none";
}

/**
 * YAML without implicit timestamps: js-yaml's default schema turns
 * `2024-07-11 14:00:00` into a UTC Date and loses the fact that no zone was
 * written. Herald resolves zoneless dates in the site's time zone itself.
 */
const loadYaml = (source: string) => yaml.load(source, { schema: yaml.CORE_SCHEMA }) ?? {};

const engines = {
  yaml: loadYaml,
  toml: (source: string) => parseToml(source) as Record<string, unknown>,
  json: (source: string) => JSON.parse(source) as Record<string, unknown>,
};

/**
 * Splits a post into front matter and body. Handles the shapes real sites
 * write: YAML `---` (closed by `---` or YAML's `...`), TOML `+++`, and Hugo's
 * bare JSON object `{ … }` at the top. Throws a plain Error with the parser's
 * reason when the front matter is present but broken.
 */
export function splitFrontMatter(source: string): FrontMatter {
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const firstLine = text.slice(0, text.indexOf("\n") === -1 ? text.length : text.indexOf("\n")).trimEnd();

  if (firstLine === "+++") return fromDelimited(text, "+++", "toml");
  if (firstLine === "---") {
    return fromDelimited(closeYamlDocumentEnd(text), "---", "yaml");
  }
  if (firstLine.startsWith("{")) {
    const end = jsonObjectEnd(text);
    if (end > 0) {
      const data = engines.json(text.slice(0, end));
      return { data: lowerKeys(data), body: text.slice(end).replace(/^\n+/, ""), format: "json" };
    }
  }
  return { data: {}, body: text, format: "none" };
}

/**
 * The fenced block after the opening delimiter, read the way gray-matter 4
 * reads it (closed by the first "\n" + delimiter; unclosed, the whole rest is
 * front matter and the body is empty), without gray-matter itself: its
 * comment-stripping regex `/^\s*#[^\n]+/gm` re-read a run of blank lines from
 * each of them, so a few hundred KB of newlines took seconds.
 */
function fromDelimited(text: string, delimiter: string, format: "yaml" | "toml"): FrontMatter {
  // The opening delimiter alone on its line; Jekyll tolerates trailing spaces.
  const rest = text.replace(/^(---|\+\+\+)[ \t]+\n/, "$1\n").slice(delimiter.length);
  const close = rest.indexOf(`\n${delimiter}`);
  const block = close === -1 ? rest : rest.slice(0, close);
  let body = close === -1 ? "" : rest.slice(close + 1 + delimiter.length);
  if (body.startsWith("\r")) body = body.slice(1);
  const parsed = onlyCommentsOrBlank(block) ? {} : engines[format](block);
  const data = (parsed ?? {}) as Record<string, unknown>;
  if (typeof data !== "object" || Array.isArray(data)) throw new Error("front matter is not a key/value map");
  return { data: lowerKeys(data), body: body.replace(/^\n+/, ""), format };
}

/** gray-matter's "empty front matter" test: every line blank or a `#` comment with something after the `#`. */
function onlyCommentsOrBlank(block: string): boolean {
  for (const line of block.split("\n")) {
    const content = line.trimStart();
    if (content !== "" && !(content.startsWith("#") && content.length > 1)) return false;
  }
  return true;
}

/** A YAML block opened by `---` may be closed by the document-end marker `...` (Hugo 2013 posts do). */
function closeYamlDocumentEnd(text: string): string {
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trimEnd();
    if (line === "---") return text;
    if (line === "...") {
      lines[i] = "---";
      return lines.join("\n");
    }
  }
  return text;
}

/** Index just past the JSON object that opens `text`, or -1. Strings are skipped so braces inside them don't count. */
function jsonObjectEnd(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i + 1;
  }
  return -1;
}

/** Hugo and Hexo sites capitalise keys (`Title`, `Pubdate`); Herald reads them case-insensitively. */
function lowerKeys(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const lower = key.trim().toLowerCase();
    if (!(lower in out)) out[lower] = value;
  }
  return out;
}

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

/** How broken front matter is treated (see {@link splitFrontMatter}). */
export interface FrontMatterOptions {
  /** Fail on any YAML error (Jekyll's `strict_front_matter`); otherwise read what can be read and warn. */
  strict?: boolean;
  /** Told of each repair made to broken front matter. */
  onWarning?: (message: string) => void;
}

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
export function splitFrontMatter(source: string, options: FrontMatterOptions = {}): FrontMatter {
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const firstLine = text.slice(0, text.indexOf("\n") === -1 ? text.length : text.indexOf("\n")).trimEnd();

  if (firstLine === "+++") return fromDelimited(text, "+++", "toml", options);
  if (firstLine === "---") {
    return fromDelimited(closeYamlDocumentEnd(text), "---", "yaml", options);
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
function fromDelimited(
  text: string,
  delimiter: string,
  format: "yaml" | "toml",
  options: FrontMatterOptions,
): FrontMatter {
  // The opening delimiter alone on its line; Jekyll tolerates trailing spaces.
  const rest = text.replace(/^(---|\+\+\+)[ \t]+\n/, "$1\n").slice(delimiter.length);
  const close = rest.indexOf(`\n${delimiter}`);
  const block = close === -1 ? rest : rest.slice(0, close);
  let body = close === -1 ? "" : rest.slice(close + 1 + delimiter.length);
  if (body.startsWith("\r")) body = body.slice(1);
  const parsed = onlyCommentsOrBlank(block)
    ? {}
    : format === "yaml"
      ? readYaml(block, options)
      : engines[format](block);
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

/** `title: [속보] 결제 장애`: a flow sequence followed by text, which YAML rejects but the writer meant as text. */
const BRACKET_PREFIXED = /^([A-Za-z_][\w-]*:[ \t]+)([[{][^\]}\n]*[\]}][ \t]*[^\s#,][^\n]*)$/;

/**
 * Reads a YAML block as Jekyll would publish it. A value that opens with a
 * bracketed tag (`[속보]`, `[단독]`) and goes on with text is read as that
 * text, with a warning. Unless `strict`, other errors are survived the way
 * Jekyll survives them (it logs and still publishes): duplicate keys keep the
 * last value, and a block that still fails is read line by line, keeping each
 * top-level entry that parses on its own.
 */
function readYaml(block: string, options: FrontMatterOptions): unknown {
  const warn = options.onWarning ?? (() => {});
  let firstError: Error;
  try {
    return loadYaml(block);
  } catch (error) {
    firstError = error as Error;
  }
  const reason = firstError.message.split("\n")[0];
  const repaired: string[] = [];
  const lines = block.split("\n").map((line) => {
    const m = BRACKET_PREFIXED.exec(line);
    if (!m) return line;
    repaired.push(m[1]?.replace(/:\s*$/, "") ?? "");
    return `${m[1]}${JSON.stringify(m[2]?.trimEnd())}`;
  });
  if (repaired.length) {
    try {
      const value = options.strict
        ? loadYaml(lines.join("\n"))
        : yaml.load(lines.join("\n"), { schema: yaml.CORE_SCHEMA, json: true });
      warn(`front matter YAML error (${reason}): read ${repaired.map((k) => `\`${k}\``).join(", ")} as literal text`);
      return value ?? {};
    } catch {
      // Something else is broken too: handled below.
    }
  }
  if (options.strict) throw firstError;
  try {
    const value = yaml.load(lines.join("\n"), { schema: yaml.CORE_SCHEMA, json: true }) ?? {};
    warn(`front matter YAML error (${reason}): the last value of a repeated key was kept`);
    return value;
  } catch {
    const { data, dropped } = readEntriesOneByOne(lines);
    warn(
      `front matter YAML error (${reason}): read entry by entry${dropped.length ? `, dropped ${dropped.join(", ")}` : ""}`,
    );
    return data;
  }
}

/** Each top-level key with its indented continuation lines, parsed alone; entries that still fail are dropped. */
function readEntriesOneByOne(lines: string[]): { data: Record<string, unknown>; dropped: string[] } {
  const data: Record<string, unknown> = {};
  const dropped: string[] = [];
  const entries: string[][] = [];
  for (const line of lines) {
    if (/^[^\s#-][^:]*:/.test(line) || entries.length === 0) entries.push([line]);
    else entries[entries.length - 1]?.push(line);
  }
  for (const entry of entries) {
    const key = /^([^:]+):/.exec(entry[0] ?? "")?.[1]?.trim();
    if (!key) continue;
    const whole = loadEntry(entry.join("\n"));
    if (whole) {
      Object.assign(data, whole);
      continue;
    }
    // A value that breaks over lines it should not (`title: 1. …` then `2. …`) keeps its first line.
    const head = entry.length > 1 ? loadEntry(entry[0] ?? "") : null;
    if (head) Object.assign(data, head);
    dropped.push(head ? `the lines after \`${key}\`` : `\`${key}\``);
  }
  return { data, dropped };
}

function loadEntry(text: string): Record<string, unknown> | null {
  try {
    const value = yaml.load(text, { schema: yaml.CORE_SCHEMA, json: true });
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

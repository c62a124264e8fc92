/**
 * Slack gives a slash command's arguments as one line of free text; Herald's
 * commands take a subcommand and named options. The first word is the
 * subcommand; the rest fills the subcommand's main option, so
 * `/news latest 5`, `/news search 장애 서버`, `/news show <id or link>`,
 * `/feeds add https://…`, `/feeds remove 12` all work. Discord-style named
 * options work too (`/news latest count:5`, `/news search query:장애 서버`):
 * a known `name:` starts that option and the following words join it.
 */
import type { CommandName } from "../../src/chat/types.ts";

/** The option plain words go to, per subcommand. */
const MAIN_OPTION: Record<CommandName, Record<string, string>> = {
  news: { latest: "count", search: "query", show: "article", trace: "article" },
  feeds: { add: "url", remove: "id", pause: "id", resume: "id" },
};

/** Only these names start a named option, so "https://…" stays a plain word. */
const OPTION_NAMES = new Set(["count", "query", "article", "url", "id"]);
const NAMED = /^([A-Za-z]+):(.*)$/s;

export interface ParsedCommandText {
  subcommand: string | null;
  options: Record<string, string>;
}

/**
 * Undoes Slack's escaping of command text: `<https://x|label>` and
 * `<https://x>` (when links are escaped) become the URL, and &amp; &lt; &gt;
 * become the characters.
 */
export function unescapeCommandText(text: string): string {
  return text
    .replace(/<([^<>|]*)(?:\|([^<>]*))?>/g, (_whole, target: string, label: string | undefined) =>
      /^(https?:|mailto:)/i.test(target) ? target : (label ?? target),
    )
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * @example parseCommandText("news", "search 장애 서버") // { subcommand: "search", options: { query: "장애 서버" } }
 * @example parseCommandText("news", "latest count:5")  // { subcommand: "latest", options: { count: "5" } }
 */
export function parseCommandText(command: CommandName, text: string): ParsedCommandText {
  const [first, ...words] = unescapeCommandText(text).trim().split(/\s+/).filter(Boolean);
  if (first === undefined) return { subcommand: null, options: {} };
  const subcommand = first.toLowerCase();
  const main = MAIN_OPTION[command][subcommand];
  const parts: Record<string, string[]> = {};
  let current = main;
  for (const word of words) {
    const named = NAMED.exec(word);
    const name = named?.[1]?.toLowerCase();
    if (named && name && OPTION_NAMES.has(name)) {
      current = name;
      parts[name] = named[2] ? [named[2]] : [];
      continue;
    }
    // Words for a subcommand without options (`/feeds list extra`) are dropped.
    if (!current) continue;
    const values = parts[current] ?? [];
    values.push(word);
    parts[current] = values;
  }
  const options: Record<string, string> = {};
  for (const [name, values] of Object.entries(parts)) {
    const value = values.join(" ").trim();
    if (value) options[name] = value;
  }
  return { subcommand, options };
}

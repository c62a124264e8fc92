/**
 * Telegram commands are free text after the command: `/news latest 5`,
 * `/news search 장애 복구`, `/feeds add https://…`. Named options work too
 * (`/news latest count:5`, `/news search query:"서버 장애"`), as on the
 * platforms with structured commands.
 */
import type { CommandName } from "../../src/chat/types.ts";

export interface ParsedCommandText {
  /** Lower-cased first word, or null when there is none. */
  subcommand: string | null;
  options: Record<string, string>;
}

/** The option bare text fills, per subcommand. */
const POSITIONAL: Record<string, string> = {
  "news latest": "count",
  "news search": "query",
  "news show": "article",
  "news trace": "article",
  "feeds add": "url",
  "feeds remove": "id",
  "feeds pause": "id",
  "feeds resume": "id",
};

/** `name:` at the start of a word, for the option names commands use. */
const NAMED = /(?:^|\s)(count|query|article|url|id):/gi;

/**
 * Splits the text after a command into a subcommand and options.
 *
 * @example parseCommandText("news", "search 서버 장애") // { subcommand: "search", options: { query: "서버 장애" } }
 */
export function parseCommandText(command: CommandName, text: string): ParsedCommandText {
  const trimmed = text.trim();
  if (trimmed === "") return { subcommand: null, options: {} };
  const head = trimmed.split(/\s/, 1)[0] ?? "";
  // "/news count:5" names an option straight away: there is no subcommand.
  const startsWithOption = /^(?:count|query|article|url|id):/i.test(head);
  const subcommand = startsWithOption ? null : head.toLowerCase();
  const rest = startsWithOption ? trimmed : trimmed.slice(head.length).trim();

  const options: Record<string, string> = {};
  const marks = [...rest.matchAll(NAMED)];
  const firstMark = marks[0]?.index ?? rest.length;
  const positional = rest.slice(0, firstMark).trim();
  marks.forEach((mark, i) => {
    const name = mark[1]!.toLowerCase();
    const start = mark.index + mark[0].length;
    const end = marks[i + 1]?.index ?? rest.length;
    const value = unquote(rest.slice(start, end).trim());
    if (value !== "") options[name] = value;
  });
  const target = subcommand ? POSITIONAL[`${command} ${subcommand}`] : undefined;
  if (target && positional !== "" && options[target] === undefined) options[target] = unquote(positional);
  return { subcommand, options };
}

function unquote(value: string): string {
  const quoted = /^(["“'])(.*)(["”'])$/s.exec(value);
  return quoted ? quoted[2]!.trim() : value;
}

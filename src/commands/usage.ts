import type { Block, Inline } from "../article/types.ts";
import type { CommandName, CommandReply } from "../chat/types.ts";
import type { Language, StringKey } from "../i18n/index.ts";
import { code, paragraph, reply, say } from "./reply.ts";

/** `/news latest` bounds, shared with the handler so help and errors say the same numbers. */
export const LATEST_DEFAULT = 5;
export const LATEST_MIN = 1;
export const LATEST_MAX = 20;

const NEWS: [syntax: string, key: StringKey][] = [
  ["/news latest [count]", "usage.news.latest"],
  ["/news search <words>", "usage.news.search"],
  ["/news show <id or link>", "usage.news.show"],
  ["/news trace <id or link>", "usage.news.trace"],
];

const FEEDS: [syntax: string, key: StringKey][] = [
  ["/feeds list", "usage.feeds.list"],
  ["/feeds add <url>", "usage.feeds.add"],
  ["/feeds remove <id>", "usage.feeds.remove"],
  ["/feeds pause <id>", "usage.feeds.pause"],
  ["/feeds resume <id>", "usage.feeds.resume"],
];

/**
 * Help for one command (or both when `command` is null), opened by a line
 * naming the unknown subcommand when there was one.
 */
export function usageReply(lang: Language, command: CommandName | null, unknown: string | null): CommandReply {
  const blocks: Block[] = [];
  // "help" is not a subcommand, but asking for it deserves help without a complaint.
  if (command && unknown && unknown.toLowerCase() !== "help")
    blocks.push(paragraph(say(lang, "usage.unknown", { command, name: unknown })));
  const sections: [StringKey, [string, StringKey][]][] = [];
  if (command !== "feeds") sections.push(["usage.news.title", NEWS]);
  if (command !== "news") sections.push(["usage.feeds.title", FEEDS]);
  for (const [title, lines] of sections) {
    blocks.push(paragraph(say(lang, title)));
    blocks.push({
      type: "list",
      ordered: false,
      items: lines.map(([syntax, key]): Inline[] =>
        say(lang, key, { syntax: code(syntax), min: LATEST_MIN, max: LATEST_MAX, default: LATEST_DEFAULT }),
      ),
    });
  }
  return reply(blocks);
}

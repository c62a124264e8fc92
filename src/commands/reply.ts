import type { Block, Inline } from "../article/types.ts";
import type { CommandReply } from "../chat/types.ts";
import { fillParts, type Language, type StringKey, template } from "../i18n/index.ts";
import { stripControlsInLine } from "../text/controls.ts";
import { safeHttpUrl } from "../text/url.ts";

export const text = (value: string): Inline => ({ type: "text", value });
export const code = (value: string): Inline => ({ type: "code", value });
export const strong = (...children: Inline[]): Inline => ({ type: "strong", children });
export const paragraph = (children: Inline[]): Block => ({ type: "paragraph", children });

/** A link when `url` is an absolute http(s) URL, else the label as plain text (never a `javascript:` link). */
export function linkOrText(url: string | null, label: string): Inline {
  const safe = safeHttpUrl(url);
  return safe ? { type: "link", url: safe, children: [text(label)] } : text(label);
}

/** A parameter of a message: plain text (escaped by the adapter) or a ready-made inline (code, link). */
export type Param = string | number | Inline;

/**
 * A localized message as inlines: literal text from the string table,
 * parameters as given. Strings and numbers become text inlines, so
 * untrusted values (queries, titles, error reasons) are never markup.
 */
export function say(lang: Language, key: StringKey, params: Readonly<Record<string, Param>> = {}): Inline[] {
  return fillParts(template(lang, key), params).map((part) =>
    typeof part === "string" || typeof part === "number" ? text(String(part)) : part,
  );
}

/** Every reply is ephemeral: commands answer the person who asked, not the channel. */
export function reply(blocks: Block[], article?: CommandReply["article"]): CommandReply {
  return article ? { ephemeral: true, blocks, article } : { ephemeral: true, blocks };
}

/** A reply of one localized paragraph. */
export function sayReply(lang: Language, key: StringKey, params: Readonly<Record<string, Param>> = {}): CommandReply {
  return reply([paragraph(say(lang, key, params))]);
}

/** Collapses whitespace runs (titles from feeds often wrap) and drops control and bidi characters. */
export function oneLine(value: string): string {
  return stripControlsInLine(value).replace(/\s+/g, " ").trim();
}

/**
 * Discord Markdown from the neutral model. Article text is escaped so it can
 * only ever show as written: no formatting, no masked links, and mentions
 * (`@everyone`, `<@123>`, `<#1>`, `</cmd:1>`) shown literally. That is what
 * readers see; `allowed_mentions: { parse: [] }` is what guarantees no ping.
 */
import type { Block, Inline } from "../../src/article/types.ts";
import { memoByNode } from "../../src/message/memo.ts";
import { inlineText as inlinePlain } from "../../src/message/plain.ts";
import { linkTextMisleads } from "../../src/text/link-text.ts";
import { safeHttpUrl } from "../../src/text/url.ts";

const ZWSP = "\u200b";

/** Bare URLs are left as written (escaping would break Discord's autolinking). */
const BARE_URL = /https?:\/\/[^\s<>`|*~\\]+/g;
/** Characters that start or end inline formatting, mentions, masked links or escapes anywhere on a line. */
const INLINE_SPECIAL = /[\\*_~`|[<]/g;
/** Syntax that only counts at the start of a line: headings, quotes, lists, subtext. */
const LINE_START_SPECIAL = /(^|\n)([ \t]*)([#>+-]|\d+\.)/g;

/** Makes `@everyone` and `@here` inert to the eye too (they would not ping anyway). */
export function neutralizeMassMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`);
}

/** Escapes article text for Discord Markdown, keeping bare URLs intact. */
export function escapeDiscordMarkdown(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    out += escapeSegment(text.slice(last, match.index));
    out += match[0];
    last = match.index + match[0].length;
  }
  out += escapeSegment(text.slice(last));
  return out.replace(LINE_START_SPECIAL, (_, start: string, indent: string, mark: string) => {
    // "12." must become "12\." and "#" must become "\#".
    const escaped = /^\d/.test(mark) ? `${mark.slice(0, -1)}\\.` : `\\${mark}`;
    return start + indent + escaped;
  });
}

function escapeSegment(text: string): string {
  return neutralizeMassMentions(text.replace(INLINE_SPECIAL, "\\$&"));
}

type Style = "strong" | "emphasis" | "strike";
const MARKERS: Record<Style, string> = { strong: "**", emphasis: "*", strike: "~~" };

/** Renders inline nodes; `active` styles are not re-opened inside themselves. */
export function renderDiscordInline(nodes: Inline[], active: ReadonlySet<Style> = new Set()): string {
  let out = "";
  // Tracked, not read back from `out`: reading a character of a long concatenation makes V8 flatten it each time.
  let endsWithMarker = false;
  for (const node of nodes) {
    let piece: string;
    switch (node.type) {
      case "text":
        piece = escapeDiscordMarkdown(node.value);
        break;
      case "break":
        piece = "\n";
        break;
      case "code":
        piece = inlineCode(node.value);
        break;
      case "link":
        piece = link(node.url, node.children, active);
        break;
      default:
        piece = styled(node.type, node.children, active);
    }
    // "**a***b*" is ambiguous: keep two spans apart when one closes where the next opens.
    if (endsWithMarker && isMarker(piece.charAt(0))) out += ZWSP;
    out += piece;
    if (piece !== "") endsWithMarker = isMarker(piece.charAt(piece.length - 1));
  }
  return out;
}

const isMarker = (char: string) => char === "*" || char === "~";

function styled(style: Style, children: Inline[], active: ReadonlySet<Style>): string {
  const inner = renderDiscordInline(children, new Set([...active, style]));
  if (active.has(style) || inner.trim() === "") return inner;
  // Markers must touch text: "** x**" is not bold, so spaces move outside.
  const body = inner.trim();
  const lead = inner.slice(0, inner.indexOf(body));
  const trail = inner.slice(lead.length + body.length);
  return `${lead}${MARKERS[style]}${body}${MARKERS[style]}${trail}`;
}

function link(url: string, children: Inline[], active: ReadonlySet<Style>): string {
  const href = safeHttpUrl(url);
  const text = renderDiscordInline(children, active);
  if (!href) return text;
  // Discord refuses to mask a link behind text that itself looks like a URL; show the URL. A host name
  // as text ("bank.example") that is not the target's host is shown as the target too.
  const plain = inlinePlain(children).trim();
  if (text.trim() === "" || /^https?:\/\//i.test(plain) || linkTextMisleads(plain, href)) return href;
  return `[${text}](${href.replace(/[()\s<>]/g, encodeURIComponent)})`;
}

function inlineCode(value: string): string {
  if (!value.includes("`")) return `\`${value}\``;
  if (!value.includes("``")) return `\`\` ${value} \`\``;
  // No delimiter can hold a run of backticks; show a look-alike instead.
  return `\`${value.replace(/`/g, "\u02cb")}\``;
}

/** Renders blocks as Discord Markdown, separated by blank lines. Headings become bold lines. */
export function renderDiscordBlocks(blocks: Block[]): string {
  return blocks.map(renderBlockOnce).join("\n\n");
}

const renderBlockOnce = memoByNode(renderBlock);

function renderBlock(block: Block): string {
  switch (block.type) {
    case "heading":
      return styled("strong", block.children, new Set());
    case "paragraph":
      return renderDiscordInline(block.children);
    case "quote":
      return renderDiscordInline(block.children)
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
    case "list":
      return block.items
        .map((item, i) => `${block.ordered ? `${i + 1}.` : "-"} ${renderDiscordInline(item).replace(/\n/g, "\n  ")}`)
        .join("\n");
    case "code": {
      const lang = (block.lang ?? "").replace(/[^\w+-]/g, "");
      // A code block cannot contain its own fence; break it with an invisible space.
      const value = block.value.replace(/```/g, `\`${ZWSP}\`${ZWSP}\``);
      return `\`\`\`${lang}\n${value}\n\`\`\``;
    }
  }
}

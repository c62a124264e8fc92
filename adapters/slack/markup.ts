/**
 * Slack mrkdwn from the neutral model. `&`, `<` and `>` in article text are
 * always escaped, so `<!channel>`, `<!here>`, `<@U…>` and `<!subteam^…>` can
 * only show as text; the only `<…>` Herald emits are its own links.
 */
import type { Block, Inline } from "../../src/article/types.ts";
import { memoByNode } from "../../src/message/memo.ts";
import { inlineText } from "../../src/message/plain.ts";
import { linkTextMisleads } from "../../src/text/link-text.ts";
import { safeHttpUrl } from "../../src/text/url.ts";

const ZWSP = "\u200b";

const ESCAPED = /[&<>@]/;

/** Escapes Slack's three control characters and defuses typed @channel/@here/@everyone. */
export function escapeSlackText(text: string): string {
  // Most text nodes have none of these: one test instead of four replacements.
  if (!ESCAPED.test(text)) return text;
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(channel|here|everyone)/gi, `@${ZWSP}$1`);
}

type Style = "strong" | "emphasis" | "strike";
const MARKERS: Record<Style, string> = { strong: "*", emphasis: "_", strike: "~" };

const TOUCHES_MARKER = /^[\p{L}\p{N}*_~`]$/u;

/** The last code point of `text` (both halves of a surrogate pair), or "". */
function lastCharacter(text: string): string {
  const end = text.length;
  const low = text.charCodeAt(end - 1);
  const high = text.charCodeAt(end - 2);
  const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
  return text.slice(pair ? end - 2 : end - 1);
}

/**
 * Accumulates mrkdwn. Slack only honours a marker next to a space or
 * punctuation, so a zero-width space separates a marker from letters that
 * touch it ("*장애*가").
 */
class Writer {
  out = "";
  private closed = false;
  /**
   * The last character written, kept as pieces are appended: reading it back
   * from `out` (a regex anchored at the end, or even one charAt) makes V8
   * flatten the whole concatenated output for every marker.
   */
  private last = "";

  append(piece: string): void {
    if (piece === "") return;
    this.out += piece;
    this.last = lastCharacter(piece);
  }

  text(piece: string): void {
    if (this.closed && /^[\p{L}\p{N}]/u.test(piece)) this.append(ZWSP);
    this.closed = false;
    this.append(piece);
  }

  open(marker: string): void {
    if (TOUCHES_MARKER.test(this.last)) this.append(ZWSP);
    this.closed = false;
    this.append(marker);
  }

  close(marker: string): void {
    this.append(marker);
    this.closed = true;
  }
}

function writeInline(w: Writer, nodes: Inline[], active: ReadonlySet<Style>): void {
  for (const node of nodes) {
    switch (node.type) {
      case "text":
        w.text(escapeSlackText(node.value));
        break;
      case "break":
        w.text("\n");
        break;
      case "code":
        // No escape exists for a backtick inside code; a look-alike keeps the span whole.
        w.open("`");
        w.append(escapeSlackText(node.value.replace(/`/g, "\u02cb")));
        w.close("`");
        break;
      case "link": {
        const href = safeHttpUrl(node.url);
        if (!href) {
          writeInline(w, node.children, active);
          break;
        }
        // Text naming another site than the target ("bank.example" → evil.example) is dropped: Slack then shows the URL itself.
        const label = linkTextMisleads(inlineText(node.children), href)
          ? ""
          : renderSlackInline(node.children, withStyles(active, ALL_STYLES)).replace(/\|/g, "\uff5c").trim();
        w.text(`<${href.replace(/[|<>\s]/g, encodeURIComponent)}${label ? `|${label}` : ""}>`);
        break;
      }
      default: {
        if (active.has(node.type)) {
          writeInline(w, node.children, active);
          break;
        }
        const inner = renderSlackInline(node.children, withStyles(active, [node.type]));
        const body = inner.trim();
        if (!body) {
          w.text(inner);
          break;
        }
        const lead = inner.slice(0, inner.indexOf(body));
        if (lead) w.text(lead);
        w.open(MARKERS[node.type]);
        w.append(body);
        w.close(MARKERS[node.type]);
        const trail = inner.slice(lead.length + body.length);
        if (trail) w.text(trail);
      }
    }
  }
}

const NO_STYLES: ReadonlySet<Style> = new Set();
const ALL_STYLES: readonly Style[] = ["strong", "emphasis", "strike"];
const extended = new WeakMap<ReadonlySet<Style>, Map<string, ReadonlySet<Style>>>();

/** `active` plus `styles`, one set per combination: a new Set per styled node was a fifth of rendering a long paragraph. */
function withStyles(active: ReadonlySet<Style>, styles: readonly Style[]): ReadonlySet<Style> {
  let byStyles = extended.get(active);
  if (!byStyles) {
    byStyles = new Map();
    extended.set(active, byStyles);
  }
  const key = styles.join();
  let set = byStyles.get(key);
  if (!set) {
    set = new Set([...active, ...styles]);
    byStyles.set(key, set);
  }
  return set;
}

/** Renders inline nodes as mrkdwn; `active` styles are not re-opened inside themselves. */
export function renderSlackInline(nodes: Inline[], active: ReadonlySet<Style> = NO_STYLES): string {
  const w = new Writer();
  writeInline(w, nodes, active);
  return w.out;
}

/** Renders blocks as mrkdwn separated by blank lines. Headings become bold lines. */
export function renderSlackBlocks(blocks: Block[]): string {
  return blocks.map(renderBlockOnce).join("\n\n");
}

const renderBlockOnce = memoByNode(renderBlock);

function renderBlock(block: Block): string {
  switch (block.type) {
    case "heading": {
      const text = renderSlackInline(block.children, new Set(["strong"])).trim();
      return text ? `*${text}*` : "";
    }
    case "paragraph":
      return renderSlackInline(block.children);
    case "quote":
      return renderSlackInline(block.children)
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
    case "list":
      return block.items
        .map((item, i) => `${block.ordered ? `${i + 1}.` : "•"} ${renderSlackInline(item).replace(/\n/g, "\n   ")}`)
        .join("\n");
    case "code":
      return `\`\`\`\n${escapeSlackText(block.value.replace(/```/g, `\`${ZWSP}\`${ZWSP}\``))}\n\`\`\``;
  }
}

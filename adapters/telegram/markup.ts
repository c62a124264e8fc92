/**
 * Telegram HTML (parse_mode "HTML") from the neutral model. Only tags the
 * Bot API accepts are emitted (b, i, s, a, code, pre, blockquote), always
 * balanced, and article text is escaped so it cannot add any.
 */
import type { Block, Inline } from "../../src/article/types.ts";
import { memoByNode } from "../../src/message/memo.ts";
import { inlineText } from "../../src/message/plain.ts";
import { linkTextMisleads } from "../../src/text/link-text.ts";
import { safeHttpUrl } from "../../src/text/url.ts";

/** Escapes text content: Telegram requires `<`, `>` and `&` as entities. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes an attribute value (always written in double quotes). */
function escapeAttribute(value: string): string {
  return escapeHtml(value).replace(/"/g, "&quot;");
}

/**
 * Length of the text Telegram shows for HTML Herald produced: tags removed,
 * each entity one character. This is what the caption and message limits count.
 */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, "").replace(/&(?:lt|gt|amp|quot|#\d+|#x[\da-f]+);/gi, "&").length;
}

type Style = "strong" | "emphasis" | "strike";
const TAGS: Record<Style, string> = { strong: "b", emphasis: "i", strike: "s" };

/** Renders inline nodes; styles already open are not nested again, and links never nest. */
export function renderTelegramInline(nodes: Inline[], active: ReadonlySet<Style | "link"> = new Set()): string {
  let out = "";
  for (const node of nodes) {
    switch (node.type) {
      case "text":
        out += escapeHtml(node.value);
        break;
      case "break":
        out += "\n";
        break;
      case "code":
        out += `<code>${escapeHtml(node.value)}</code>`;
        break;
      case "link": {
        const href = safeHttpUrl(node.url);
        const inner = renderTelegramInline(node.children, new Set([...active, "link"]));
        if (!href || active.has("link")) {
          out += inner;
          break;
        }
        // Text naming another site than the target ("bank.example" → evil.example) shows the target instead.
        const label = linkTextMisleads(inlineText(node.children), href) ? "" : inner;
        out += `<a href="${escapeAttribute(href)}">${label || escapeHtml(href)}</a>`;
        break;
      }
      default: {
        const inner = renderTelegramInline(node.children, new Set([...active, node.type]));
        const tag = TAGS[node.type];
        out += active.has(node.type) || inner === "" ? inner : `<${tag}>${inner}</${tag}>`;
      }
    }
  }
  return out;
}

/** Renders blocks separated by blank lines: headings bold, lists as "• " lines. */
export function renderTelegramBlocks(blocks: Block[]): string {
  return blocks.map(renderBlockOnce).join("\n\n");
}

const renderBlockOnce = memoByNode(renderBlock);

function renderBlock(block: Block): string {
  switch (block.type) {
    case "heading": {
      const text = renderTelegramInline(block.children, new Set(["strong"]));
      return text ? `<b>${text}</b>` : "";
    }
    case "paragraph":
      return renderTelegramInline(block.children);
    case "quote":
      return `<blockquote>${renderTelegramInline(block.children)}</blockquote>`;
    case "list":
      return block.items
        .map((item, i) => `${block.ordered ? `${i + 1}.` : "•"} ${renderTelegramInline(item)}`)
        .join("\n");
    case "code": {
      const lang = (block.lang ?? "").replace(/[^\w+-]/g, "");
      const code = escapeHtml(block.value);
      return lang ? `<pre><code class="language-${lang}">${code}</code></pre>` : `<pre>${code}</pre>`;
    }
  }
}

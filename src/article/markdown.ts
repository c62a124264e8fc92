import type { Element, ElementContent, Root } from "hast";
import { h } from "hastscript";
import MarkdownIt, { type PluginSimple } from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import footnotes from "markdown-it-footnote";

/**
 * CommonMark plus GFM tables, strikethrough and footnotes, raw HTML kept for
 * the HTML parser. markdown-it rather than remark: remark's micromark read
 * ~1.3 MB/s here (about 150 real posts a second before any other work), and
 * markdown-it ~20x that. Its strikethrough takes two tildes, so Korean ranges
 * like 16~18일 stay text. Bare-URL autolinking (linkify) is off: every chat
 * platform links bare URLs itself, and it cost 8% of parsing.
 */
// @types/markdown-it-footnote is written against markdown-it's CommonJS typings, hence the cast.
const markdown = new MarkdownIt({ html: true, linkify: false }).use(footnotes as unknown as PluginSimple);
// A footnote's "↩︎" back-link only makes sense on the web page; in a chat message it is noise.
markdown.renderer.rules.footnote_anchor = () => "";

/** Self-contained tokens the direct road knows; any other (footnotes, raw HTML, plugins) takes the renderer's road. */
const DIRECT_TYPES = new Set([
  "inline",
  "text",
  "softbreak",
  "hardbreak",
  "code_inline",
  "code_block",
  "fence",
  "image",
  "hr",
]);

/**
 * Markdown → hast. Posts made of plain Markdown are converted token by
 * token; the rest are rendered and re-read by `parseHtml`: raw HTML because
 * a tag may open in one Markdown block and close in another, and only an
 * HTML parser puts such a tree together the way a browser would; footnotes
 * because their markup lives in the plugin's render rules.
 */
export function markdownToHast(source: string, parseHtml: (html: string) => Root): Root {
  const env = {};
  const tokens = markdown.parse(source, env);
  if (!tokens.every(convertsDirectly)) return parseHtml(markdown.renderer.render(tokens, markdown.options, env));
  const root: Root = { type: "root", children: [] };
  appendTokens(tokens, [root]);
  return root;
}

/** Tags that open or close with a tag name, and the self-contained tokens appendContent handles. */
function convertsDirectly(token: Token): boolean {
  const known = token.nesting === 0 ? DIRECT_TYPES.has(token.type) : token.tag !== "";
  return known && (token.children?.every(convertsDirectly) ?? true);
}

/**
 * Builds elements from markdown-it's flat open/close token stream the way its
 * HTML renderer nests them, newlines included: the "\n" it writes between
 * block tags is what keeps two paragraphs of one list item from running together.
 */
function appendTokens(tokens: Token[], open: (Root | Element)[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    // Tight lists hide their paragraph tokens: the renderer writes no <p> for them, and neither does this.
    if (token.hidden) {
      if (token.type === "inline") appendTokens(token.children ?? [], open);
      continue;
    }
    let parent = open[open.length - 1] as Root | Element;
    if (token.nesting === 1) {
      const element = elementOf(token);
      parent.children.push(element);
      open.push(element);
      if (token.block && newlineAfterOpening(token, tokens[i + 1])) appendText(element, "\n");
      continue;
    }
    if (token.nesting === -1) {
      if (open.length > 1) open.pop();
      parent = open[open.length - 1] as Root | Element;
    } else {
      appendContent(token, parent, open);
    }
    // Block tags end with a newline; an "inline" token is block-level too, but its content is rendered bare.
    if (token.block && token.type !== "inline") appendText(parent, "\n");
  }
}

/** markdown-it's renderer rule: no newline before inline content, a hidden token or the tag's own immediate close. */
function newlineAfterOpening(token: Token, next: Token | undefined): boolean {
  if (!next) return true;
  return !(next.type === "inline" || next.hidden || (next.nesting === -1 && next.tag === token.tag));
}

function appendContent(token: Token, parent: Root | Element, open: (Root | Element)[]): void {
  switch (token.type) {
    case "inline":
      appendTokens(token.children ?? [], open);
      break;
    case "text":
      appendText(parent, token.content);
      break;
    case "softbreak":
      appendText(parent, "\n");
      break;
    case "hardbreak":
      parent.children.push(h("br"));
      appendText(parent, "\n");
      break;
    case "code_inline":
      parent.children.push(h("code", token.content));
      break;
    case "code_block":
    case "fence": {
      const lang = token.info.trim().split(/\s+/)[0];
      parent.children.push(h("pre", h("code", lang ? { className: [`language-${lang}`] } : {}, token.content)));
      break;
    }
    case "image":
      parent.children.push(h("img", { src: token.attrGet("src"), alt: plainText(token.children ?? []) }));
      break;
    default:
      // hr and any other self-contained tag a plugin might add.
      if (token.tag) parent.children.push(elementOf(token));
  }
}

function elementOf(token: Token): Element {
  return h(token.tag, token.attrs ? Object.fromEntries(token.attrs) : {});
}

function appendText(parent: Root | Element, value: string): void {
  const last = parent.children.at(-1);
  if (last?.type === "text") last.value += value;
  else (parent.children as ElementContent[]).push({ type: "text", value });
}

function plainText(tokens: Token[]): string {
  return tokens.map((token) => (token.children ? plainText(token.children) : token.content)).join("");
}

import type { Element, ElementContent, Root, RootContent } from "hast";
import { fromParse5 } from "hast-util-from-parse5";
import { parseFragment } from "parse5";
import { markdownToHast } from "./markdown.ts";

/** Elements whose content is never article text: scripts, embeds, forms, styling. */
const DROPPED = new Set([
  "script",
  "style",
  "noscript",
  "iframe",
  "object",
  "embed",
  "form",
  "input",
  "button",
  "select",
  "textarea",
  "template",
  "svg",
  "math",
  "canvas",
  "video",
  "audio",
  "link",
  "meta",
  "head",
  "title",
]);

/** How a body is written: a post's Markdown (with HTML mixed in), or a feed item's HTML. */
export type BodyFormat = "markdown" | "html";

/**
 * Markdown with raw HTML mixed in (what Jekyll and Hugo posts are) → an HTML
 * tree, with everything that is not readable text removed. Bodies known to
 * be HTML (feed items) skip the Markdown parser.
 */
export function bodyToHast(source: string, format: BodyFormat = "markdown"): Root {
  if (format === "html") {
    // Feed items are HTML, not Markdown: read as Markdown, their indented lines after a blank one
    // would become code blocks and stray `*` emphasis.
    const tree = htmlToHast(source);
    prune(tree);
    return tree;
  }
  const tree = markdownToHast(stripTemplateTags(source), htmlToHast);
  prune(tree);
  return tree;
}

/**
 * Liquid (`{% … %}`, `{{ … }}`) and Hugo shortcodes (`{{< … >}}`, `{{% … %}}`)
 * are build-time template code, never text a reader should see.
 */
function stripTemplateTags(source: string): string {
  return source.replace(/\{%-?[\s\S]*?-?%\}|\{\{[<%][\s\S]*?[>%]\}\}|\{\{[\s\S]*?\}\}/g, "");
}

function prune(node: Root | Element): void {
  const kept: (RootContent | ElementContent)[] = [];
  for (const child of node.children) {
    if (child.type === "comment" || child.type === "doctype") continue;
    if (child.type === "element") {
      if (DROPPED.has(child.tagName)) continue;
      prune(child);
    }
    kept.push(child);
  }
  node.children = kept as typeof node.children;
}

/** HTML → hast with rehype's own parser (parse5), minus the source positions nothing here reads: they cost a quarter of the parse. */
export function htmlToHast(html: string): Root {
  return fromParse5(parseFragment(html, { scriptingEnabled: false })) as Root;
}

import type { Element, ElementContent, Root, RootContent } from "hast";
import { fromHtml } from "hast-util-from-html";
import rehypeRaw from "rehype-raw";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

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

const markdown = unified().use(remarkParse).use(remarkGfm);
const toHtmlTree = unified().use(remarkRehype, { allowDangerousHtml: true });
// Re-parsing the tree with an HTML parser is needed only when the post holds raw HTML, and costs as much as the Markdown parse.
const reparseRawHtml = unified().use(rehypeRaw);

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
    // would become code blocks and stray `*` emphasis. parse5 alone is also twice as fast.
    const tree = fromHtml(source, { fragment: true });
    prune(tree);
    return tree;
  }
  const mdast = markdown.runSync(markdown.parse(stripTemplateTags(source)));
  // remark-rehype's transformer turns the mdast root into a hast root; unified types it as a plain Node.
  let tree = toHtmlTree.runSync(mdast as never) as Root;
  if (containsHtml(mdast)) tree = reparseRawHtml.runSync(tree) as Root;
  prune(tree);
  return tree;
}

function containsHtml(node: MdastNode): boolean {
  return node.type === "html" || (node.children?.some(containsHtml) ?? false);
}

interface MdastNode {
  type: string;
  children?: MdastNode[];
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

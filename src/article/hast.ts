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
 * are build-time template code, never text a reader should see. An opener
 * without its closer is left as written.
 *
 * One left-to-right scan, the same tags the regex
 * `/\{%-?[\s\S]*?-?%\}|\{\{[<%][\s\S]*?[>%]\}\}|\{\{[\s\S]*?\}\}/g` removes:
 * that regex searched to the end of the text again from every unclosed
 * `{{`, so 200 KB of `{{` took seconds.
 */
export function stripTemplateTags(source: string): string {
  const liquidEnd = nextIndexOf(source, "%}");
  const shortcodeAngleEnd = nextIndexOf(source, ">}}");
  const shortcodePercentEnd = nextIndexOf(source, "%}}");
  const outputEnd = nextIndexOf(source, "}}");
  const kept: string[] = [];
  let copied = 0;
  for (let at = source.indexOf("{"); at !== -1; ) {
    const next = source[at + 1];
    let end = -1;
    if (next === "%") {
      const close = liquidEnd(at + 2);
      if (close !== -1) end = close + 2;
    } else if (next === "{") {
      const marker = source[at + 2];
      if (marker === "<" || marker === "%") {
        const close = earliest(shortcodeAngleEnd(at + 3), shortcodePercentEnd(at + 3));
        if (close !== -1) end = close + 3;
      }
      if (end === -1) {
        const close = outputEnd(at + 2);
        if (close !== -1) end = close + 2;
      }
    }
    if (end === -1) {
      at = source.indexOf("{", at + 1);
      continue;
    }
    kept.push(source.slice(copied, at));
    copied = end;
    at = source.indexOf("{", end);
  }
  if (copied === 0) return source;
  kept.push(source.slice(copied));
  return kept.join("");
}

/**
 * `indexOf(needle, from)` for non-decreasing `from`, remembering the last
 * answer: every search resumes where the previous one stopped, so all of
 * them together read the text once.
 */
function nextIndexOf(text: string, needle: string): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found !== -1 && found < from) found = text.indexOf(needle, from);
    return found;
  };
}

const earliest = (a: number, b: number) => (a === -1 ? b : b === -1 ? a : Math.min(a, b));

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

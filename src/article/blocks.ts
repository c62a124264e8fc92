import type { Element, ElementContent, Root, RootContent } from "hast";
import { toText } from "hast-util-to-text";
import type { Block, Inline, Table } from "./types.ts";

const HEADINGS: Record<string, 1 | 2 | 3 | 4 | 5 | 6> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const INLINE_TAGS = new Set([
  "a",
  "abbr",
  "b",
  "bdi",
  "bdo",
  "br",
  "cite",
  "code",
  "data",
  "del",
  "dfn",
  "em",
  "font",
  "i",
  "img",
  "ins",
  "kbd",
  "mark",
  "q",
  "s",
  "samp",
  "small",
  "span",
  "strike",
  "strong",
  "sub",
  "sup",
  "time",
  "tt",
  "u",
  "var",
  "wbr",
]);
const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:"]);

export interface Extracted {
  blocks: Block[];
  /** `at`: how many blocks came before the table, so a timeline table can be placed under its heading. */
  tables: { table: Table; element: Element; at: number }[];
  images: string[];
}

/** Walks the pruned HTML tree once, collecting neutral blocks, tables and image sources. */
export function extractBlocks(tree: Root, baseUrl: string | null): Extracted {
  const out: Extracted = { blocks: [], tables: [], images: [] };
  const ctx = { baseUrl, out };
  walkBlocks(tree.children, ctx);
  return out;
}

interface Ctx {
  baseUrl: string | null;
  out: Extracted;
}

function walkBlocks(nodes: (RootContent | ElementContent)[], ctx: Ctx): void {
  let run: Inline[] = [];
  for (const node of nodes) {
    if (node.type === "text") {
      inlinesOf([node], ctx, false, run);
      continue;
    }
    if (node.type !== "element") continue;
    const tag = node.tagName;
    if (INLINE_TAGS.has(tag)) {
      // Images are collected by inlinesOf, like those inside links and emphasis.
      inlinesOf([node], ctx, false, run);
      continue;
    }
    pushParagraph(run, ctx);
    run = [];
    blockOf(node, ctx);
  }
  pushParagraph(run, ctx);
}

function pushParagraph(run: Inline[], ctx: Ctx): void {
  const children = trimInlines(run);
  if (children.length) ctx.out.blocks.push({ type: "paragraph", children });
}

function blockOf(node: Element, ctx: Ctx): void {
  const tag = node.tagName;
  const depth = HEADINGS[tag];
  if (depth) {
    const children = trimInlines(inlinesOf(node.children, ctx));
    if (children.length) ctx.out.blocks.push({ type: "heading", depth, children });
  } else if (tag === "p") {
    walkBlocks(node.children, ctx);
  } else if (tag === "ul" || tag === "ol") {
    const items = node.children
      .filter((c): c is Element => c.type === "element" && c.tagName === "li")
      .map((li) => trimInlines(inlinesOf(li.children, ctx)))
      .filter((item) => item.length > 0);
    if (items.length) ctx.out.blocks.push({ type: "list", ordered: tag === "ol", items });
  } else if (tag === "blockquote") {
    const children = trimInlines(inlinesOf(node.children, ctx, true));
    if (children.length) ctx.out.blocks.push({ type: "quote", children });
  } else if (tag === "pre") {
    const code = node.children.find((c): c is Element => c.type === "element" && c.tagName === "code");
    const className = code?.properties?.className;
    const lang = Array.isArray(className)
      ? String(className.find((c) => String(c).startsWith("language-")) ?? "").slice(9)
      : "";
    const value = toText(node, { whitespace: "pre" }).replace(/\n$/, "");
    if (value.trim()) ctx.out.blocks.push({ type: "code", value, lang: lang || null });
  } else if (tag === "table") {
    ctx.out.tables.push({ table: tableOf(node), element: node, at: ctx.out.blocks.length });
  } else if (tag === "hr") {
    // A rule separates; the blocks around it already do.
  } else {
    walkBlocks(node.children, ctx);
  }
}

/**
 * Appends the inline content of `nodes` to `out` (a new array by default).
 * Written as one loop appending to one array: this walk runs over every text
 * node of every post, and per-node arrays and closures made it a sixth of parsing.
 */
function inlinesOf(nodes: ElementContent[], ctx: Ctx, blockBreaks = false, out: Inline[] = [], depth = 0): Inline[] {
  const start = out.length;
  // Past MAX_INLINE_DEPTH nested styles and links, content joins its parent's run:
  // formatters and cutters recurse over the model, and hostile nesting would overflow them.
  const nest = (children: ElementContent[]) => inlinesOf(children, ctx, blockBreaks, [], depth + 1);
  const flat = depth >= MAX_INLINE_DEPTH;
  for (const node of nodes) {
    if (node.type === "text") {
      const value = node.value.replace(WHITESPACE, " ");
      if (value) out.push({ type: "text", value });
      continue;
    }
    if (node.type !== "element") continue;
    switch (node.tagName) {
      case "br":
        out.push({ type: "break" });
        break;
      case "img":
        collectImage(node, ctx);
        break;
      case "strong":
      case "b":
        if (flat) inlinesOf(node.children, ctx, blockBreaks, out, depth);
        else out.push({ type: "strong", children: nest(node.children) });
        break;
      case "em":
      case "i":
      case "cite":
        if (flat) inlinesOf(node.children, ctx, blockBreaks, out, depth);
        else out.push({ type: "emphasis", children: nest(node.children) });
        break;
      case "del":
      case "s":
      case "strike":
        if (flat) inlinesOf(node.children, ctx, blockBreaks, out, depth);
        else out.push({ type: "strike", children: nest(node.children) });
        break;
      case "code":
      case "kbd":
      case "tt":
      case "samp":
        out.push({ type: "code", value: toText(node) });
        break;
      case "a": {
        const url = flat ? null : safeUrl(node.properties?.href, ctx.baseUrl);
        if (url) {
          const inner = nest(node.children);
          if (inner.length) out.push({ type: "link", url, children: inner });
        } else inlinesOf(node.children, ctx, blockBreaks, out, depth);
        break;
      }
      default:
        if (blockBreaks && !INLINE_TAGS.has(node.tagName) && out.length > start) out.push({ type: "break" });
        inlinesOf(node.children, ctx, blockBreaks, out, depth);
    }
  }
  return out;
}

const WHITESPACE = /\s+/g;

/** Styles and links nested deeper than this are read as plain text of the innermost kept one; real posts nest two or three. */
const MAX_INLINE_DEPTH = 32;

function collectImage(node: Element, ctx: Ctx): void {
  const src = safeUrl(node.properties?.src, ctx.baseUrl);
  if (src && !src.startsWith("mailto:")) ctx.out.images.push(src);
}

/** An absolute http(s)/mailto URL, resolved against the site; anything else (javascript:, data:, #anchors) is dropped. */
export function safeUrl(value: unknown, baseUrl: string | null): string | null {
  // "#fn1" points into the page the post was on; resolved against the site it would send readers to the home page.
  if (typeof value !== "string" || !value.trim() || value.trim().startsWith("#")) return null;
  try {
    const url = baseUrl ? new URL(value.trim(), baseUrl) : new URL(value.trim());
    return SAFE_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function tableOf(table: Element): Table {
  const rows: { cells: string[]; header: boolean }[] = [];
  const visit = (node: Element, inHead: boolean) => {
    for (const child of node.children) {
      if (child.type !== "element") continue;
      if (child.tagName === "tr") {
        const cells = child.children.filter(
          (c): c is Element => c.type === "element" && (c.tagName === "td" || c.tagName === "th"),
        );
        rows.push({
          cells: cells.map((c) => toText(c).replace(/\s+/g, " ").trim()),
          header: inHead || (cells.length > 0 && cells.every((c) => c.tagName === "th" || isWhollyBold(c))),
        });
      } else if (child.tagName !== "table") visit(child, inHead || child.tagName === "thead");
    }
  };
  visit(table, false);
  const first = rows[0];
  if (first?.header) return { header: first.cells, rows: rows.slice(1).map((r) => r.cells) };
  return { header: null, rows: rows.map((r) => r.cells) };
}

/** `<td><b>시점</b></td>`: a cell whose whole text is bold acts as a header cell. */
function isWhollyBold(cell: Element): boolean {
  const text = toText(cell).trim();
  if (!text) return true;
  const bold = cell.children.filter((c) => !(c.type === "text" && !c.value.trim()));
  return (
    bold.length === 1 &&
    bold[0]?.type === "element" &&
    ["b", "strong"].includes(bold[0].tagName) &&
    toText(bold[0]).trim() === text
  );
}

/** Drops blank text and breaks at both ends; indices, not shift(): a paragraph of ten thousand `<br>`s made shifting quadratic. */
function trimInlines(inlines: Inline[]): Inline[] {
  let start = 0;
  let end = inlines.length;
  while (start < end && isBlank(inlines[start] as Inline)) start++;
  while (end > start && isBlank(inlines[end - 1] as Inline)) end--;
  const out = inlines.slice(start, end);
  const first = out[0];
  if (first?.type === "text") out[0] = { type: "text", value: first.value.trimStart() };
  const last = out.at(-1);
  if (last?.type === "text") out[out.length - 1] = { type: "text", value: last.value.trimEnd() };
  return out;
}

const isBlank = (node: Inline) => node.type === "break" || (node.type === "text" && !node.value.trim());

/** Plain text of inline content, for excerpts and search. */
export function inlineText(inlines: Inline[]): string {
  return inlines
    .map((i) => {
      if (i.type === "text" || i.type === "code") return i.value;
      if (i.type === "break") return "\n";
      return inlineText(i.children);
    })
    .join("");
}

export function blockText(block: Block): string {
  switch (block.type) {
    case "list":
      return block.items.map(inlineText).join("\n");
    case "code":
      return block.value;
    default:
      return inlineText(block.children);
  }
}

/**
 * Cutting the neutral model (blocks and inline trees) at a content position,
 * so formatters shorten text before rendering it: markup stays balanced and
 * no escape sequence, tag or entity is ever cut in half.
 *
 * Positions count UTF-16 code units of visible content (text and code
 * values, one per line break); cuts land on grapheme boundaries, preferring
 * word ends (see src/text/segment.ts).
 */
import type { Block, Inline } from "../article/types.ts";
import { cutIndex, graphemeBoundaryAtOrBefore } from "../text/segment.ts";
import { ELLIPSIS } from "../text/truncate.ts";

/** Code units of content in inline nodes. */
export function inlineSize(nodes: Inline[]): number {
  let size = 0;
  for (const node of nodes) {
    if (node.type === "text" || node.type === "code") size += node.value.length;
    else if (node.type === "break") size += 1;
    else size += inlineSize(node.children);
  }
  return size;
}

/** Code units of content in blocks: the range a cut position lives in. */
export function contentSize(blocks: Block[]): number {
  let size = 0;
  for (const block of blocks) {
    if (block.type === "code") size += block.value.length;
    else if (block.type === "list") for (const item of block.items) size += inlineSize(item);
    else size += inlineSize(block.children);
  }
  return size;
}

export interface BlockSplit {
  /** The first `keep` code units of content (or a little less, on a safe boundary). */
  head: Block[];
  /** Everything after the cut; empty when nothing was cut. */
  tail: Block[];
}

interface Budget {
  left: number;
}

/**
 * A split whose tail is built only when asked for. fitBlocks and paginate
 * split the same long paragraph at every step of a binary search and need
 * only the head: building the tail each time (a copy of every node after the
 * cut) made each step cost the whole paragraph instead of what was kept.
 */
export interface LazySplit<T> {
  head: T[];
  /** True when nothing follows the cut (the same as `tail().length === 0`). */
  tailEmpty: boolean;
  tail: () => T[];
}

const nothingAfter = <T>(head: T[]): LazySplit<T> => ({ head, tailEmpty: true, tail: () => [] });

/**
 * The split after `list[at]` was cut: `first` is what is left of it (null when
 * nothing is), followed by the rest of the list. Made only when a cut happens:
 * a closure per node visited cost more than the walk.
 */
function cutAt<T>(head: T[], list: T[], at: number, first: T | null): LazySplit<T> {
  const rest = () => list.slice(at + 1);
  if (first === null) return { head, tailEmpty: at + 1 === list.length, tail: rest };
  return { head, tailEmpty: false, tail: () => [first, ...rest()] };
}

/** Splits blocks after at most `keep` code units of content. Inputs are never mutated. */
export function splitBlocks(blocks: Block[], keep: number): BlockSplit {
  const split = splitBlocksLazily(blocks, keep);
  return { head: split.head, tail: split.tail() };
}

/** {@link splitBlocks} with the tail left unbuilt until `tail()` is called. */
export function splitBlocksLazily(blocks: Block[], keep: number): LazySplit<Block> {
  const budget: Budget = { left: keep };
  const head: Block[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    if (budget.left <= 0) return { head, tailEmpty: false, tail: () => blocks.slice(i) };
    if (block.type === "code") {
      if (block.value.length <= budget.left) {
        head.push(block);
        budget.left -= block.value.length;
        continue;
      }
      const at = codeCut(block.value, budget.left);
      budget.left = 0;
      if (at > 0) head.push({ ...block, value: block.value.slice(0, at).trimEnd() });
      return {
        head,
        tailEmpty: false,
        tail: () => [{ ...block, value: block.value.slice(at) }, ...blocks.slice(i + 1)],
      };
    }
    if (block.type === "list") {
      const items = splitItems(block.items, budget);
      if (!items) {
        head.push(block);
        continue;
      }
      if (items.head.length > 0) head.push({ ...block, items: items.head });
      if (items.tailEmpty) return cutAt(head, blocks, i, null);
      return { head, tailEmpty: false, tail: () => [{ ...block, items: items.tail() }, ...blocks.slice(i + 1)] };
    }
    const inner = splitInlines(block.children, budget);
    if (!inner) {
      head.push(block);
      continue;
    }
    if (inner.head.length > 0) head.push({ ...block, children: inner.head });
    if (inner.tailEmpty) return cutAt(head, blocks, i, null);
    return { head, tailEmpty: false, tail: () => [{ ...block, children: inner.tail() }, ...blocks.slice(i + 1)] };
  }
  return nothingAfter(head);
}

/**
 * The blocks shortened to at most `keep` code units of content, with "…"
 * where text was cut. Returns the input itself when nothing needed cutting,
 * and [] when nothing at all could be kept.
 */
export function truncateBlocks(blocks: Block[], keep: number): Block[] {
  const { head, tailEmpty } = splitBlocksLazily(blocks, keep);
  if (tailEmpty) return blocks;
  return appendEllipsis(head);
}

/** Null when every node fit in the budget. */
function splitInlines(nodes: Inline[], budget: Budget): LazySplit<Inline> | null {
  const head: Inline[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (budget.left <= 0) return { head, tailEmpty: false, tail: () => nodes.slice(i) };
    switch (node.type) {
      case "break":
        head.push(node);
        budget.left -= 1;
        break;
      case "text":
      case "code": {
        if (node.value.length <= budget.left) {
          head.push(node);
          budget.left -= node.value.length;
          break;
        }
        const text = node.type === "text";
        const at = text ? cutIndex(node.value, budget.left) : graphemeBoundaryAtOrBefore(node.value, budget.left);
        budget.left = 0;
        const kept = text ? node.value.slice(0, at).trimEnd() : node.value.slice(0, at);
        const left = text ? node.value.slice(at).trimStart() : node.value.slice(at);
        if (kept) head.push({ ...node, value: kept });
        return cutAt(head, nodes, i, left ? { ...node, value: left } : null);
      }
      default: {
        const inner = splitInlines(node.children, budget);
        if (!inner) {
          head.push(node);
          break;
        }
        if (inner.head.length > 0) head.push({ ...node, children: inner.head });
        if (inner.tailEmpty) return cutAt(head, nodes, i, null);
        return { head, tailEmpty: false, tail: () => [{ ...node, children: inner.tail() }, ...nodes.slice(i + 1)] };
      }
    }
  }
  return null;
}

function splitItems(items: Inline[][], budget: Budget): LazySplit<Inline[]> | null {
  const head: Inline[][] = [];
  for (let i = 0; i < items.length; i++) {
    if (budget.left <= 0) return { head, tailEmpty: false, tail: () => items.slice(i) };
    const item = items[i]!;
    const inner = splitInlines(item, budget);
    if (!inner) {
      head.push(item);
      continue;
    }
    if (inner.head.length > 0) head.push(inner.head);
    const lastItem = i + 1 === items.length;
    if (inner.tailEmpty) return { head, tailEmpty: lastItem, tail: () => items.slice(i + 1) };
    return { head, tailEmpty: false, tail: () => [inner.tail(), ...items.slice(i + 1)] };
  }
  return null;
}

/** Code is cut at a line end when one is near, else on a grapheme boundary. */
function codeCut(value: string, keep: number): number {
  const at = graphemeBoundaryAtOrBefore(value, keep);
  const lineEnd = value.lastIndexOf("\n", at);
  return lineEnd > 0 && at - lineEnd <= 80 ? lineEnd : at;
}

function appendEllipsis(blocks: Block[]): Block[] {
  const last = blocks.at(-1);
  if (!last) return [];
  let replaced: Block;
  if (last.type === "code") replaced = { ...last, value: last.value.trimEnd() + ELLIPSIS };
  else if (last.type === "list")
    replaced = { ...last, items: [...last.items.slice(0, -1), inlineWithEllipsis(last.items.at(-1) ?? [])] };
  else replaced = { ...last, children: inlineWithEllipsis(last.children) };
  return [...blocks.slice(0, -1), replaced];
}

/** Adds "…" after the last visible character, inside emphasis but outside links and code. */
function inlineWithEllipsis(nodes: Inline[]): Inline[] {
  let end = nodes.length;
  while (end > 0 && nodes[end - 1]!.type === "break") end--;
  const kept = nodes.slice(0, end);
  const last = kept.at(-1);
  const ellipsis: Inline = { type: "text", value: ELLIPSIS };
  if (!last) return [ellipsis];
  const before = kept.slice(0, -1);
  switch (last.type) {
    case "text":
      return [...before, { type: "text", value: last.value.trimEnd() + ELLIPSIS }];
    case "strong":
    case "emphasis":
    case "strike":
      return [...before, { ...last, children: inlineWithEllipsis(last.children) }];
    default:
      return [...kept, ellipsis];
  }
}

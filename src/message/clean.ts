import type { Block, Inline, Timeline } from "../article/types.ts";
import { hasControls, stripControls } from "../text/controls.ts";

/*
 * Control and bidi characters out of what a post shows (see text/controls.ts).
 * Nodes without any are returned as they are, so the formatters' per-node
 * memo still hits and a clean article costs one regex test per text.
 */

export function cleanText(value: string): string {
  return hasControls(value) ? stripControls(value) : value;
}

export function cleanBlocks(blocks: Block[]): Block[] {
  return sameOrCopy(blocks, cleanBlock);
}

export function cleanTimeline(timeline: Timeline | null): Timeline | null {
  if (!timeline) return null;
  const rows = sameOrCopy(timeline.rows, (row) => {
    const time = cleanText(row.time);
    const event = cleanText(row.event);
    return time === row.time && event === row.event ? row : { time, event };
  });
  const labels = timeline.labels ? (sameOrCopy(timeline.labels, cleanText) as [string, string]) : null;
  return rows === timeline.rows && labels === timeline.labels ? timeline : { labels, rows };
}

function cleanBlock(block: Block): Block {
  switch (block.type) {
    case "code": {
      const value = cleanText(block.value);
      return value === block.value ? block : { ...block, value };
    }
    case "list": {
      const items = sameOrCopy(block.items, cleanInlines);
      return items === block.items ? block : { ...block, items };
    }
    default: {
      const children = cleanInlines(block.children);
      return children === block.children ? block : { ...block, children };
    }
  }
}

function cleanInlines(nodes: Inline[]): Inline[] {
  return sameOrCopy(nodes, cleanInline);
}

function cleanInline(node: Inline): Inline {
  switch (node.type) {
    case "break":
      return node;
    case "text":
    case "code": {
      const value = cleanText(node.value);
      return value === node.value ? node : { ...node, value };
    }
    default: {
      const children = cleanInlines(node.children);
      return children === node.children ? node : { ...node, children };
    }
  }
}

/** `items` itself when `clean` changed none of them, else the cleaned copy. */
function sameOrCopy<T>(items: readonly T[], clean: (item: T) => T): T[] {
  let copy: T[] | null = null;
  items.forEach((item, i) => {
    const cleaned = clean(item);
    if (cleaned !== item) {
      copy ??= items.slice();
      copy[i] = cleaned;
    }
  });
  return copy ?? (items as T[]);
}

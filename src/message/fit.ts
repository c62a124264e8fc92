/**
 * Shrinking a message body until its rendered form fits a platform limit.
 * The model is cut, then rendered, so markup is always balanced.
 */
import type { Block } from "../article/types.ts";
import { contentSize, type LazySplit, splitBlocksLazily, truncateBlocks } from "./cut.ts";

/** Turns blocks into a platform's text (Markdown, mrkdwn, HTML, …). */
export type Render = (blocks: Block[]) => string;
/** Length of rendered text as the platform counts it. */
export type Measure = (rendered: string) => number;

/** UTF-16 code units: never less than what Discord, Slack or Telegram count. */
export const codeUnits: Measure = (s) => s.length;

export interface Fitted {
  /** The rendered text; `measure(output) <= limit` unless even no body at all is too long. */
  output: string;
  /** The blocks that were rendered (ending with "…" when truncated). */
  blocks: Block[];
  truncated: boolean;
}

/**
 * Renders as much of `blocks` as fits in `limit`, ending with "…" when text
 * was cut. Binary search over the amount of content kept: O(log n) renders.
 *
 * @example fitBlocks(msg.blocks, renderDiscordMarkdown, 4096)
 */
export function fitBlocks(blocks: Block[], render: Render, limit: number, measure: Measure = codeUnits): Fitted {
  // Every code unit of content renders to at least one, so content longer
  // than `limit` cannot fit: no need to render it whole, nor to keep more than `limit`.
  const size = contentSize(blocks);
  if (size <= limit) {
    const whole = render(blocks);
    if (measure(whole) <= limit) return { output: whole, blocks, truncated: false };
  }
  let best: Fitted = { output: render([]), blocks: [], truncated: true };
  let lo = 1;
  let hi = Math.min(size - 1, limit);
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const kept = truncateBlocks(blocks, mid);
    const output = render(kept);
    if (measure(output) <= limit) {
      best = { output, blocks: kept, truncated: true };
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/**
 * Spreads blocks over pages of at most `pageLimit` each (Slack's 3000-character
 * sections), breaking between blocks where possible and inside a block only
 * when one block alone is too long. The last of `maxPages` pages ends with "…"
 * when content is left over.
 */
export function paginate(
  blocks: Block[],
  render: Render,
  pageLimit: number,
  maxPages: number,
  measure: Measure = codeUnits,
): string[] {
  const pages: string[] = [];
  let rest = blocks;
  while (rest.length > 0 && pages.length < maxPages) {
    // Content longer than a page cannot render shorter than one: skip rendering it all.
    const whole = contentSize(rest) <= pageLimit ? render(rest) : null;
    if (whole !== null && measure(whole) <= pageLimit) {
      pages.push(whole);
      break;
    }
    const split = pages.length === maxPages - 1 ? null : nextPage(rest, render, pageLimit, measure);
    if (!split) {
      const last = fitBlocks(rest, render, pageLimit, measure);
      if (last.blocks.length > 0) pages.push(last.output);
      break;
    }
    pages.push(render(split.head));
    rest = split.tail;
  }
  return pages;
}

/** The longest head that fits one page, or null when not even one grapheme does. */
function nextPage(blocks: Block[], render: Render, limit: number, measure: Measure) {
  const fits = (head: Block[]) => measure(render(head)) <= limit;
  // Whole blocks first: a page break between paragraphs reads best.
  let lo = 1;
  let hi = blocks.length - 1;
  let whole = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (fits(blocks.slice(0, mid))) {
      whole = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (whole > 0) return { head: blocks.slice(0, whole), tail: blocks.slice(whole) };

  const first = blocks.slice(0, 1);
  let best: LazySplit<Block> | null = null;
  lo = 1;
  hi = Math.min(contentSize(first) - 1, limit);
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const split = splitBlocksLazily(first, mid);
    if (fits(split.head)) {
      best = split;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (!best || best.head.length === 0) return null;
  return { head: best.head, tail: [...best.tail(), ...blocks.slice(1)] };
}

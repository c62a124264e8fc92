import { blockText, inlineText } from "./blocks.ts";
import { chronologyOf } from "./timeline-order.ts";
import { readStamp, type StampParts } from "./timeline-stamp.ts";
import type { Block, Inline, Timeline } from "./types.ts";

/**
 * Timelines written as text under a "Timeline" heading, the way incident
 * post-mortems write them: a list of stamped items (`- **07:02 UTC** — …`,
 * `1. 오후 2시 15분 …`), lists under date sub-headings (`### 2020-02-20`),
 * or a run of stamped sub-headings each followed by paragraphs.
 */

/** Heading words that announce a timeline, in the languages Herald reads. */
const TIMELINE_HEADING =
  /timeline|chronology|sequence of events|what happened|타임라인|경과|일지(?!도)|시간대별|진행\s*상황|タイムライン|経緯|時系列|时间线|時間線|经过|經過|时间轴|時間軸/i;

/** A section of the body: blocks[start, end) under one timeline heading. */
export interface Section {
  depth: number;
  start: number;
  end: number;
}

/** The h2–h4 sections whose heading names a timeline; each block belongs to at most one. */
export function timelineSections(blocks: Block[]): Section[] {
  const sections: Section[] = [];
  let open: Section | null = null;
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index] as Block;
    if (block.type !== "heading") continue;
    if (open && block.depth <= open.depth) {
      sections.push({ ...open, end: index });
      open = null;
    }
    if (!open && block.depth >= 2 && block.depth <= 4 && TIMELINE_HEADING.test(inlineText(block.children))) {
      open = { depth: block.depth, start: index + 1, end: blocks.length };
    }
  }
  if (open) sections.push(open);
  return sections;
}

interface Row {
  time: string;
  event: string;
  parts: StampParts | null;
}

/** The timeline a section writes as lists or as stamped sub-headings, the longer of the two, or null. */
export function sectionTimeline(blocks: Block[], section: Section): Timeline | null {
  const listRows: Row[] = [];
  const headingRows: Row[] = [];
  // The stamp of the sub-heading the current blocks sit under ("### 2020-02-20"), and its row if it has no list.
  let heading: { time: string; parts: StampParts | null; remainder: string; text: string[]; hasList: boolean } | null =
    null;
  const closeHeading = () => {
    if (heading && !heading.hasList) {
      const event = heading.remainder || heading.text.join(" ");
      if (event) headingRows.push({ time: heading.time, event, parts: heading.parts });
    }
    heading = null;
  };
  for (let i = section.start; i < section.end; i++) {
    const block = blocks[i] as Block;
    if (block.type === "heading") {
      closeHeading();
      const read = stampedText(block.children);
      if (read) heading = { time: read.time, parts: read.parts, remainder: read.event, text: [], hasList: false };
    } else if (block.type === "list") {
      const rows = stampedItems(block.items, heading);
      if (rows) {
        listRows.push(...rows);
        if (heading) heading.hasList = true;
      } else heading?.text.push(tidy(blockText(block)));
    } else if (heading && block.type !== "code") {
      heading.text.push(tidy(blockText(block)));
    }
  }
  closeHeading();
  const lists = asTimeline(listRows);
  const headings = asTimeline(headingRows);
  if (lists && headings) return headings.rows.length > lists.rows.length ? headings : lists;
  return lists ?? headings;
}

/** The list's rows when most of its items start with a stamp; items under a date sub-heading take its date. */
function stampedItems(items: Inline[][], heading: { time: string; parts: StampParts | null } | null): Row[] | null {
  const rows: Row[] = [];
  for (const item of items) {
    const read = stampedText(item);
    if (!read) continue;
    const timeOnly = read.parts !== null && read.parts.minutes !== undefined && !isDated(read.parts);
    if (heading?.parts && isDated(heading.parts) && timeOnly) {
      rows.push({
        time: `${heading.time} ${read.time}`,
        event: read.event,
        parts: { ...heading.parts, minutes: read.parts?.minutes },
      });
    } else rows.push({ time: read.time, event: read.event, parts: read.parts });
  }
  return rows.length * 2 > items.length ? rows : null;
}

const isDated = (parts: StampParts) => parts.year !== undefined || parts.month !== undefined || parts.day !== undefined;

/** Footnote references ("[1]") and one separator between a stamp and its event. */
const AFTER_STAMP = /^(?:\s*\[\d{1,3}\])*\s*(?:[—–|:：-]+\s*)?/;

function stampedText(inlines: Inline[]): { time: string; event: string; parts: StampParts | null } | null {
  const text = tidy(inlineText(inlines));
  const stamp = readStamp(text);
  if (!stamp) return null;
  const rest = text.slice(stamp.end);
  // Korean puts a space after a stamp: "5일본" is 일본 (Japan), not the 5th. Chinese and Japanese write stamps glued to text.
  if (/^\p{Script=Hangul}/u.test(rest) && /\p{Script=Hangul}$/u.test(stamp.text)) return null;
  return { time: stamp.text, event: rest.replace(AFTER_STAMP, "").trim(), parts: stamp.parts };
}

/** Rows that read as a chronology (see {@link chronologyOf}), with at least three moments. */
function asTimeline(rows: Row[]): Timeline | null {
  if (rows.length < 3) return null;
  const absolute = rows.filter((r) => r.parts !== null).length;
  if (absolute * 2 < rows.length) return null;
  const { distinct, ordered } = chronologyOf(rows.map((r) => r.parts));
  if (!ordered || distinct < 3) return null;
  return { labels: null, rows: rows.map(({ time, event }) => ({ time, event })) };
}

const tidy = (text: string) => text.replace(/\s+/g, " ").trim();

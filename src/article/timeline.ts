import { chronologyOf } from "./timeline-order.ts";
import { type Section, sectionTimeline, timelineSections } from "./timeline-sections.ts";
import { readStamp } from "./timeline-stamp.ts";
import type { Block, Table, Timeline } from "./types.ts";

/** A cell longer than this is a sentence that may mention a time, not a time. */
const MAX_TIME_CELL_LENGTH = 40;

/**
 * True when a table cell reads as a time or a date: "11:00 AM", "오후 1시",
 * "2026-10-14 16:40", "Dec 2025", "2015~", "T+30m", or a relative word
 * ("이후", "현재") that orders rows among real times. Durations ("2시간",
 * "10 min") are not times.
 */
export function isTimeCell(cell: string): boolean {
  const text = cell.trim();
  return text.length > 0 && text.length <= MAX_TIME_CELL_LENGTH && readStamp(text) !== null;
}

/** Relative words ("이후", "현재") are only timeline entries among real times, never on their own. */
const absoluteStamp = (cell: string) => {
  const text = cell.trim();
  return text.length <= MAX_TIME_CELL_LENGTH ? (readStamp(text)?.parts ?? null) : null;
};

/** A time column header: a two-row table is a timeline only when its header says it is one. */
const TIME_LABEL =
  /^(시점|시간|시각|시기|일시|날짜|일자|연도|년도|date|time|when|year|日期|时间|時間|日時|日付|年份|時期|时期)(?![\p{L}])/iu;

/** What {@link findTimeline} reads: the body's blocks and its tables with where they sit among them. */
export interface TimelineSource {
  blocks: Block[];
  /** `at`: how many blocks came before the table. */
  tables: { table: Table; at?: number }[];
}

/**
 * The article's timeline: a table with a column of times or dates (the 시점 /
 * 내용 tables of Korean news, version histories), a list of stamped items
 * under a "Timeline"/"타임라인"/"経緯"/"经过" heading (post-mortems), or a run of
 * stamped sub-headings there. What sits under a timeline heading wins; among
 * the rest, the longest. Given only tables, the longest timeline table.
 */
export function findTimeline(source: Table[] | TimelineSource): Timeline | null {
  const { blocks, tables } = Array.isArray(source)
    ? { blocks: [], tables: source.map((table) => ({ table, at: undefined })) }
    : source;
  const sections = timelineSections(blocks);
  const underHeading: Timeline[] = [];
  const elsewhere: Timeline[] = [];
  // Tables and sections both come in body order: one walk places every table (many of each stay linear).
  let next = 0;
  for (const { table, at } of tables) {
    const timeline = tableTimeline(table);
    if (!timeline) continue;
    while (at !== undefined && next < sections.length && (sections[next] as Section).end < at) next++;
    const section = at === undefined ? undefined : sections[next];
    (section && at !== undefined && at >= section.start ? underHeading : elsewhere).push(timeline);
  }
  for (const section of sections) {
    const timeline = sectionTimeline(blocks, section);
    if (timeline) underHeading.push(timeline);
  }
  return longest(underHeading) ?? longest(elsewhere);
}

/** The first of the longest; null for none. */
function longest(timelines: Timeline[]): Timeline | null {
  let best: Timeline | null = null;
  for (const timeline of timelines) if (!best || timeline.rows.length > best.rows.length) best = timeline;
  return best;
}

/**
 * A table's timeline. The first column is preferred (시점 / 내용 tables);
 * version histories put the date further right (Version | Release Date), so
 * the first three columns are tried in order.
 */
export function tableTimeline(table: Table): Timeline | null {
  for (let column = 0; column < 3; column++) {
    const timeline = asTimeline(table, column);
    if (timeline) return timeline;
  }
  return null;
}

/** An event says what happened in words; a row of bare figures (prices, survey counts) does not. */
const hasWords = (cells: string[]) => cells.some((c) => /\p{L}{2,}/u.test(c));

/** A bare year further right is usually data (a film's year), not when something happened. */
const cellAt = (row: string[], column: number) => {
  const cell = row[column] ?? "";
  return column > 0 && /^\s*\d{4}\s*$/.test(cell) ? "" : cell;
};

function asTimeline(table: Table, column: number): Timeline | null {
  const timeOf = (row: string[]) => cellAt(row, column);
  const restOf = (row: string[]) =>
    row
      .filter((_, i) => i !== column)
      .map((c) => c.trim())
      .filter(Boolean);
  let header = table.header;
  let rows = table.rows.filter((r) => r.some((c) => c.trim()));
  const first = rows[0];
  // A header row that is not itself a time becomes the labels, whether or not it was marked as a header.
  if (!header && first && !isTimeCell(timeOf(first)) && rows.slice(1).some((r) => isTimeCell(timeOf(r)))) {
    header = first;
    rows = rows.slice(1);
  }
  if (rows.length < 2 || rows.some((r) => r.length < 2 || r.length <= column)) return null;
  const most = (count: number) => count * 2 > rows.length;
  const stamps = rows.map((r) => absoluteStamp(timeOf(r)));
  const timed = rows.filter((r) => isTimeCell(timeOf(r))).length;
  const absolute = stamps.filter(Boolean).length;
  const worded = rows.filter((r) => hasWords(restOf(r))).length;
  if (!most(timed) || absolute * 2 < rows.length || !most(worded)) return null;
  if (timesElsewhere(rows, column, most)) return null;

  const { distinct, ordered } = chronologyOf(stamps);
  const width = widthOf(rows);
  // Two moments make a timeline only in a two-column table whose time column says it holds times (시점 / 내용).
  const labelled = column === 0 && width === 2 && header !== null && TIME_LABEL.test(timeOf(header).trim());
  if (!ordered || distinct < (labelled ? 2 : 3)) return null;

  const labels: [string, string] | null =
    header && header.length >= 2 ? [timeOf(header).trim(), restOf(header).join(" · ")] : null;
  return { labels, rows: rows.map((r) => ({ time: timeOf(r).trim(), event: restOf(r).join(" · ") })) };
}

/** Times in another column too (departure | arrival | duration, created | updated): a schedule or a comparison, not a chronology. */
function timesElsewhere(rows: string[][], column: number, most: (count: number) => boolean): boolean {
  // Real comparison tables are narrow; a hostile row of thousands of cells must not multiply the work by its width.
  const width = Math.min(widthOf(rows), MAX_COMPARED_COLUMNS);
  for (let other = 0; other < width; other++) {
    if (other !== column && most(rows.filter((r) => absoluteStamp(cellAt(r, other)) !== null).length)) return true;
  }
  return false;
}

const MAX_COMPARED_COLUMNS = 12;

/** The widest row's cell count (a loop: spreading a hostile number of rows into Math.max overflows the stack). */
function widthOf(rows: string[][]): number {
  let width = 0;
  for (const row of rows) width = Math.max(width, row.length);
  return width;
}

import type { Table, Timeline } from "./types.ts";

/**
 * What a time or date cell looks like in the posts Herald reads. Each pattern
 * must match at the start of the cell; the cell must be short, so a sentence
 * that merely mentions a time is not taken for one.
 */
const TIME_PATTERNS: RegExp[] = [
  /^\d{1,2}:\d{2}(:\d{2})?(\s*(am|pm|a\.m\.|p\.m\.))?(\s*(utc|gmt|kst|jst|[a-z]{2,4}t))?\b/i, // 11:00 AM, 13:05, 07:02 UTC
  /^\d{1,2}\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])/i, // 9 PM
  /^\d{4}[-./]\d{1,2}([-./]\d{1,2})?/, // 2026-10-14, 1994/2/14, 2023.09
  /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}/, // 14/10/2026
  /^\d{4}\s*년/, // 2023년 9월
  /^\d{1,2}\s*월(\s*\d{1,2}\s*일)?/, // 9월 1일
  /^\d{1,2}\s*일(\s*\(?[월화수목금토일]\)?)?/, // 5일 오후 6시
  /^(오전|오후|새벽|아침|낮|저녁|밤|정오|자정)(\s*\d{1,2}\s*시)?/, // 오후 1시
  /^\d{1,2}\s*시(\s*\d{1,2}\s*분)?/, // 13시 5분
  /^\d{4}\s*年|^\d{1,2}\s*月\s*\d{1,2}\s*日|^\d{1,2}\s*[時时]/, // 2015年, 6月16日, 9時
  /^(19|20)\d{2}(\s|$)/, // a bare year: 2019
  /^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b/i, // Oct 14
  /^\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b/i, // 14 Oct
  /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\d/i, // Tue, 14 Oct
  /^(today|yesterday|tonight|now|earlier|later|현재|이후|이전|직후|당일|오늘|어제|내일|예정|향후)(\s|$)/i,
];

const MAX_TIME_CELL_LENGTH = 40;

/** True when a table cell reads as a time or a date. */
export function isTimeCell(cell: string): boolean {
  const text = cell.trim();
  if (!text || text.length > MAX_TIME_CELL_LENGTH) return false;
  return TIME_PATTERNS.some((pattern) => pattern.test(text));
}

/** Relative words ("이후", "현재") are only timeline entries among real times, never on their own. */
const RELATIVE = TIME_PATTERNS.at(-1) as RegExp;
const isAbsoluteTime = (cell: string) => isTimeCell(cell) && !RELATIVE.test(cell.trim());

/**
 * The first table with a column of times or dates in most body rows becomes
 * the article's timeline. The first column is preferred (시점 / 내용 tables);
 * version histories put the date further right (Version | Release Date), so
 * the first three columns are tried in order. A header row that is not itself
 * a time becomes the labels, whether or not it was marked as a header.
 */
export function findTimeline(tables: Table[]): Timeline | null {
  for (const table of tables) {
    for (let column = 0; column < 3; column++) {
      const timeline = asTimeline(table, column);
      if (timeline) return timeline;
    }
  }
  return null;
}

/** An event says what happened in words; a row of bare figures (prices, survey counts) does not. */
const hasWords = (cells: string[]) => cells.some((c) => /\p{L}{2,}/u.test(c));

function asTimeline(table: Table, column: number): Timeline | null {
  // A bare year further right is usually data (a film's year), not when something happened.
  const timeOf = (row: string[]) => {
    const cell = row[column] ?? "";
    return column > 0 && /^\s*\d{4}\s*$/.test(cell) ? "" : cell;
  };
  const restOf = (row: string[]) => row.filter((_, i) => i !== column).map((c) => c.trim()).filter(Boolean);
  let header = table.header;
  let rows = table.rows.filter((r) => r.some((c) => c.trim()));
  const first = rows[0];
  if (!header && first && !isTimeCell(timeOf(first)) && rows.slice(1).some((r) => isTimeCell(timeOf(r)))) {
    header = first;
    rows = rows.slice(1);
  }
  if (rows.length < 2 || rows.some((r) => r.length < 2 || r.length <= column)) return null;
  const timed = rows.filter((r) => isTimeCell(timeOf(r))).length;
  const absolute = rows.filter((r) => isAbsoluteTime(timeOf(r))).length;
  const worded = rows.filter((r) => hasWords(restOf(r))).length;
  if (timed * 2 <= rows.length || absolute * 2 < rows.length || worded * 2 <= rows.length) return null;

  const labels: [string, string] | null = header && header.length >= 2 ? [timeOf(header).trim(), restOf(header).join(" · ")] : null;
  return { labels, rows: rows.map((r) => ({ time: timeOf(r).trim(), event: restOf(r).join(" · ") })) };
}

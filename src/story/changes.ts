import type { Article, TimelineRow } from "../article/types.ts";
import { cleanText, cleanTimeline } from "../message/clean.ts";
import { storyLanguage } from "./language.ts";

/** What members have not seen yet: the timeline rows added, else one line saying what changed. */
export interface StoryChange {
  /** Rows of the newer timeline that the older one does not have (by time and event), in the newer one's order. */
  rows: TimelineRow[];
  /** When no row was added: "제목 변경: …" / "Title changed: …", else "본문 수정" / "Text corrected"; null when rows were added. */
  summary: string | null;
}

const SUMMARIES = {
  ko: { title: (title: string) => `제목 변경: ${title}`, text: "본문 수정" },
  en: { title: (title: string) => `Title changed: ${title}`, text: "Text corrected" },
} as const;

/**
 * What changed between the version members last saw (`seen`) and `next`, in
 * `next`'s language. Pure. Rows are matched as a multiset, so a row written
 * twice in the newer timeline counts as new once per extra copy.
 *
 * @example storyChange(v1, v2) // { rows: [{ time: "13:00", event: "복구 완료" }], summary: null }
 */
export function storyChange(seen: Article, next: Article): StoryChange {
  const rows = addedRows(seen.timeline?.rows ?? [], cleanTimeline(next.timeline)?.rows ?? []);
  if (rows.length > 0) return { rows, summary: null };
  const words = SUMMARIES[storyLanguage(next.language)];
  if (seen.title !== next.title)
    return { rows, summary: words.title(cleanText(next.title.replace(/\s+/g, " ")).trim()) };
  return { rows, summary: words.text };
}

function addedRows(before: readonly TimelineRow[], after: readonly TimelineRow[]): TimelineRow[] {
  const left = new Map<string, number>();
  for (const row of before) left.set(rowKey(row), (left.get(rowKey(row)) ?? 0) + 1);
  return after.filter((row) => {
    const key = rowKey(row);
    const count = left.get(key) ?? 0;
    if (count === 0) return true;
    left.set(key, count - 1);
    return false;
  });
}

/** Cleaned on both sides: a row is the same row whether or not a control character rode along. */
const rowKey = (row: TimelineRow) => `${cleanText(row.time).trim()}\u0000${cleanText(row.event).trim()}`;

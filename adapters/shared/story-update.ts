/**
 * The platform-neutral text of a story update (the thread reply under an edited post), before
 * any platform escapes it. Pure; each adapter's format.ts renders these lines in its own markup.
 */
import type { StoryUpdate } from "../../src/message/types.ts";
import { truncate } from "../../src/text/truncate.ts";

/** Discord's thread name limit; also a sensible length for any thread title. */
const THREAD_NAME_MAX = 100;

/**
 * The lines under the heading: each new timeline row as "time — event", or the one-line summary when
 * no row was added. Empty cells are dropped so a row with no time still reads as its event.
 *
 * @example updateLines({ rows: [{ time: "13:00", event: "복구 완료" }], summary: null, … }) // ["13:00 — 복구 완료"]
 */
export function updateLines(update: StoryUpdate): string[] {
  if (update.rows.length > 0)
    return update.rows.map((row) => [row.time.trim(), row.event.trim()].filter((cell) => cell !== "").join(" — "));
  return update.summary?.trim() ? [update.summary.trim()] : [];
}

/** The name of a thread started for a story's updates: its title when known, else the heading. Plain text. */
export function threadName(update: StoryUpdate): string {
  const name = (update.title ?? "").replace(/\s+/g, " ").trim() || update.heading.trim() || update.articleId;
  return truncate(name, THREAD_NAME_MAX);
}

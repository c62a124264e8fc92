import type { Article } from "../article/types.ts";
import type { NewsMessage, StoryUpdate } from "../message/types.ts";
import { storyChange } from "./changes.ts";
import { updatedLabel, updateHeading } from "./labels.ts";

/** When the newer version came in, and the zone its time is shown in (see storyZone). */
export interface StoryClock {
  at: number | Date;
  zone: string;
}

/**
 * The thread reply for a story whose members last saw `seen` and now get `next`: every row added
 * since (several versions' rows when they coalesced), else a one-line summary. Pure.
 */
export function storyUpdate(seen: Article, next: Article, clock: StoryClock): StoryUpdate {
  const { rows, summary } = storyChange(seen, next);
  return {
    articleId: next.id,
    language: next.language,
    heading: updateHeading(clock.at, clock.zone, next.language),
    rows,
    summary,
    url: next.url,
  };
}

/** `message` as the edit of a post members already saw: with the "updated HH:MM" marker. */
export function updatedMessage(message: NewsMessage, clock: StoryClock): NewsMessage {
  return { ...message, updatedLabel: updatedLabel(clock.at, clock.zone, message.language) };
}

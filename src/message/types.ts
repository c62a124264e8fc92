import type { Block, Timeline, TimelineRow } from "../article/types.ts";

/** How much of the article a message carries. */
export type Detail = "summary" | "full";

/**
 * The card image the article has, when it has a timeline. Whether a given
 * request shows it, and how, is its `CardPlacement` (card-placement.ts).
 */
export interface CardRef {
  /** File name of the attachment ("timeline.png"); Discord refers to it as attachment://<filename>. */
  filename: string;
  /** Public URL of the same PNG, when one is configured (Slack incoming webhooks need it). */
  url: string | null;
  width: number;
  height: number;
}

/**
 * A platform-neutral news message. Built once per article version by
 * `buildMessage`, then turned into each platform's request body by the pure
 * formatters in adapters/<platform>/format.ts.
 */
export interface NewsMessage {
  articleId: string;
  title: string;
  url: string | null;
  source: string | null;
  /** ISO 8601 instant, or null. */
  date: string | null;
  language: string;
  categories: string[];
  /** The text to show: the lead for "summary", the whole body for "full". Formatters truncate it to fit. */
  blocks: Block[];
  /** Lead image URL (absolute), shown when there is no card. */
  image: string | null;
  card: CardRef | null;
  /** Kept so formatters can list the events as text where an image cannot be shown. */
  timeline: Timeline | null;
  /** Label for the link button ("Read more" / "자세히 보기"). */
  readMoreLabel: string;
  /**
   * "updated 12:05" / "12:05 업데이트" (the article's zone) when this message replaces an earlier
   * version members already saw; formatters show it near the title. Absent on a first post.
   */
  updatedLabel?: string | null;
  /**
   * Set when the article was retracted: formatters show the title struck through with this
   * notice ("기사가 철회되었습니다" / "This article was retracted") and no body, image or card.
   */
  retraction?: { notice: string } | null;
}

/**
 * What changed in a developing story, posted as a reply in the thread under the
 * original message (story mode). Built once per applied update by the pipeline,
 * formatted by each platform's pure formatter.
 */
export interface StoryUpdate {
  articleId: string;
  language: string;
  /** What the reply opens with: "Updated 12:05" / "12:05 업데이트". */
  heading: string;
  /** The article's title, when known: names the thread a platform starts for the updates (Discord, ≤100 characters). */
  title?: string | null;
  /** Timeline rows added since the version members last saw, in order (several when versions coalesced). */
  rows: TimelineRow[];
  /** One line saying what changed when no row was added ("Title changed: …", "Text corrected"); else null. */
  summary: string | null;
  url: string | null;
}

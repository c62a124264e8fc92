import type { Block, Timeline } from "../article/types.ts";

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
}

/**
 * The article model: what Herald knows about one news post once its source
 * (a Jekyll/Hugo file, a feed item, an ingest request) has been parsed.
 * Plain JSON-safe data, so it can travel through queues and into the store.
 */

/** Inline rich text, platform-neutral. Formatters turn it into each platform's syntax. */
export type Inline =
  | { type: "text"; value: string }
  | { type: "strong"; children: Inline[] }
  | { type: "emphasis"; children: Inline[] }
  | { type: "strike"; children: Inline[] }
  | { type: "code"; value: string }
  | { type: "link"; url: string; children: Inline[] }
  | { type: "break" };

/** Block-level rich text. Tables are kept apart (see {@link Table}); images are dropped. */
export type Block =
  | { type: "heading"; depth: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: "paragraph"; children: Inline[] }
  | { type: "list"; ordered: boolean; items: Inline[][] }
  | { type: "quote"; children: Inline[] }
  | { type: "code"; value: string; lang: string | null };

/** A table as plain-text cells. `header` is null when the table has no header row. */
export interface Table {
  header: string[] | null;
  rows: string[][];
}

export interface TimelineRow {
  /** The time cell as written ("11:00 AM", "오후 1시", "2026-10-14 16:40"). */
  time: string;
  /** What happened; further columns are joined with " · ". */
  event: string;
}

/** A table whose first column holds times or dates in most body rows. */
export interface Timeline {
  /** Column labels, e.g. ["시점", "내용"]; null when the table had no header row. */
  labels: [string, string] | null;
  rows: TimelineRow[];
}

export interface Article {
  /** Stable id: front matter id/permalink/url, else a hash of source + title + date. */
  id: string;
  title: string;
  /** Absolute http(s) URL of the article, or null when none is known. */
  url: string | null;
  /** Human name of where it came from: the site host or feed title ("newsdao.kr"). */
  source: string | null;
  /** ISO 8601 instant in UTC ("2024-07-11T02:00:00.000Z"), or null when undated. */
  date: string | null;
  categories: string[];
  tags: string[];
  /** Plain-text lead: front matter excerpt/description/summary, else the first paragraph. */
  excerpt: string;
  /** The same lead as rich text (front-matter excerpts may carry Markdown emphasis and links). */
  lead?: Block[];
  /** Absolute http(s) URL of the lead image, or null. */
  image: string | null;
  /** Primary language subtag: "ko", "en", "ja", "zh", … */
  language: string;
  /** The body as neutral blocks (scripts, iframes, styles and images removed). */
  body: Block[];
  tables: Table[];
  timeline: Timeline | null;
  /** Plain text of title, excerpt and body: what search indexes. */
  text: string;
  /** Front matter `breaking: true`: the post is breaking news whatever its title says (src/story/severity.ts). */
  breaking?: boolean;
  /**
   * Front matter `retracted: true` / `unpublished: true`, a webhook feed's DELETE, or `herald retract`:
   * messages already posted are marked retracted (or deleted), and it is never posted anywhere fresh.
   */
  retracted?: boolean;
}

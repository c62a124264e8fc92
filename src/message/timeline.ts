import type { Block, Timeline } from "../article/types.ts";

/**
 * The timeline as a list block ("**11:00 AM** — what happened"), for places
 * where the card image cannot be shown.
 */
export function timelineBlocks(timeline: Timeline | null): Block[] {
  if (!timeline || timeline.rows.length === 0) return [];
  return [
    {
      type: "list",
      ordered: false,
      items: timeline.rows.map((row) => [
        { type: "strong", children: [{ type: "text", value: row.time }] },
        { type: "text", value: ` — ${row.event}` },
      ]),
    },
  ];
}

/** One-line plain description of the timeline, for image alt text. */
export function timelineText(timeline: Timeline | null): string {
  if (!timeline || timeline.rows.length === 0) return "";
  const head = timeline.labels ? `${timeline.labels.join(" / ")}: ` : "";
  return head + timeline.rows.map((row) => `${row.time} — ${row.event}`).join("; ");
}

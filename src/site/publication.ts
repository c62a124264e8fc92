/**
 * Whether a site publishes a post now, by the rules its generator applies:
 * Jekyll `published: false` and `_drafts/`, Hugo/Zola/Astro `draft: true`,
 * Hugo `expiryDate`, and dates in the future (Jekyll's `future: false`
 * default, Hugo `publishDate` and `buildFuture`).
 */
export type Publication =
  | { state: "published" }
  | { state: "unpublished"; reason: string }
  | { state: "scheduled"; at: string; reason: string };

/** The flags that keep a post unpublished whatever the date: checked before anything else is read. */
export function unpublishedFlag(data: Record<string, unknown>, sitePath: string | null): string | null {
  if (data.published === false || data.published === "false") return "unpublished (published: false)";
  if (data.draft === true || data.draft === "true") return "draft (draft: true)";
  if (sitePath && /(^|\/)_drafts\//.test(sitePath)) return "draft (in _drafts/)";
  return null;
}

export interface PublicationDates {
  /** The post's date (ISO instant) or null. */
  date: string | null;
  /** Hugo `publishDate` (ISO instant) or null. */
  publishDate: string | null;
  /** Hugo `expiryDate` (ISO instant) or null. */
  expiryDate: string | null;
  /** The site publishes future-dated posts. */
  future: boolean;
  now: number;
}

export function publicationByDate(d: PublicationDates): Publication {
  if (d.expiryDate && Date.parse(d.expiryDate) <= d.now)
    return { state: "unpublished", reason: `expired (expiryDate ${d.expiryDate})` };
  if (d.publishDate && Date.parse(d.publishDate) > d.now)
    return { state: "scheduled", at: d.publishDate, reason: `scheduled for ${d.publishDate} (publishDate)` };
  if (!d.future && d.date && Date.parse(d.date) > d.now)
    return { state: "scheduled", at: d.date, reason: `scheduled for ${d.date} (dated in the future)` };
  return { state: "published" };
}

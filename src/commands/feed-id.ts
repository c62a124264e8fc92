import { randomBytes } from "node:crypto";

/** Slug part of an id; with "-" and 4 hex digits the id stays well under the config's 64-character limit. */
const SLUG_LENGTH = 40;

/**
 * A short readable id for a feed added from chat: the slug of its title
 * (ASCII letters and digits), else of its host, plus 4 random hex digits,
 * e.g. "example-status-3f9a" or "news-example-kr-07c1" for a Korean title.
 * Always `[a-z0-9-]`, starting with a letter or digit; never one `isTaken`
 * reports, so a chat feed can never overwrite a config feed.
 */
export function newFeedId(
  title: string | null,
  host: string,
  isTaken: (id: string) => boolean,
  hex = randomHex,
): string {
  const fromTitle = slugify(title ?? "");
  // A title with under 3 ASCII letters ("헤럴드 속보", "日本") says more through its host.
  const base = fromTitle.replace(/-/g, "").length >= 3 ? fromTitle : slugify(host.replace(/^www\./i, "")) || "feed";
  // Two bytes first for short ids; if the base is that crowded, a wider random part.
  for (const bytes of [2, 2, 2, 2, 2, 6, 6, 6]) {
    const id = `${base}-${hex(bytes)}`;
    if (!isTaken(id)) return id;
  }
  throw new Error(`no free feed id found for ${base}`);
}

/** Lower-case ASCII letters and digits joined by single dashes: "Example <em>Status</em>" → "example-em-status-em". */
export function slugify(value: string): string {
  const slug = value
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // café → cafe
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, SLUG_LENGTH).replace(/-+$/, "");
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

import { baseName, type DerivedPath, dateParts, fillPattern, frontString, type PostFacts } from "./post.ts";
import { jekyllSlugify } from "./slug.ts";
import type { SiteInfo } from "./types.ts";

/** Jekyll's built-in permalink styles (Jekyll 4 `Utils#permalink_style`). */
const STYLES: Record<string, string> = {
  date: "/:categories/:year/:month/:day/:title:output_ext",
  pretty: "/:categories/:year/:month/:day/:title/",
  ordinal: "/:categories/:year/:y_day/:title:output_ext",
  weekdate: "/:categories/:year/W:week/:short_day/:title:output_ext",
  none: "/:categories/:title:output_ext",
};

/**
 * The path Jekyll writes a post to: front matter `permalink` (placeholders
 * allowed) else the site's `permalink` style or pattern, filled from the file
 * name (`2026-10-14-outage.md` → `:title` "outage"), the categories (front
 * matter plus folders above `_posts/`, lowercased) and the date in the site's zone.
 */
export function jekyllPath(site: SiteInfo, post: PostFacts): DerivedPath {
  const own = frontString(post.data, "permalink");
  const setting = site.permalink ?? "date";
  const pattern = own ?? STYLES[setting] ?? setting;
  const name = baseName(post.sitePath);
  const fileSlug = /^\d{4}-\d{1,2}-\d{1,2}-(.+)$/.exec(name)?.[1] ?? name;
  const slugSource = frontString(post.data, "slug") ?? fileSlug;
  const parts = post.date ? dateParts(post.date, site.timeZone) : null;
  const { path, missing } = fillPattern(pattern, {
    categories: categoriesOf(post).join("/"),
    year: parts?.year ?? null,
    month: parts?.month ?? null,
    i_month: parts ? String(Number(parts.month)) : null,
    day: parts?.day ?? null,
    i_day: parts ? String(Number(parts.day)) : null,
    short_year: parts?.year.slice(2) ?? null,
    hour: parts?.hour ?? null,
    minute: parts?.minute ?? null,
    second: parts?.second ?? null,
    y_day: parts?.yday ?? null,
    title: jekyllSlugify(slugSource, { mode: "pretty", cased: true }),
    slug: jekyllSlugify(slugSource),
    name: jekyllSlugify(name),
    output_ext: ".html",
  });
  if (missing.length)
    return { path: null, reason: `permalink '${pattern}' needs :${missing[0]}, which the post lacks` };
  return { path: path.startsWith("/") ? path : `/${path}` };
}

/** Front matter `categories`/`category` (a list, or a space-separated string) plus folders above `_posts/`, lowercased, without repeats. */
function categoriesOf(post: PostFacts): string[] {
  const folders = post.sitePath.split("/").slice(0, -1);
  const postsAt = folders.indexOf("_posts");
  const fromFolders = postsAt > 0 ? folders.slice(0, postsAt) : [];
  const raw = post.data.categories ?? post.data.category;
  const listed = Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? raw.split(/\s+/) : [];
  return [...new Set([...fromFolders, ...listed].map((c) => c.trim().toLowerCase()).filter(Boolean))];
}

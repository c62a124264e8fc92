import { baseName, type DerivedPath, dateParts, fillPattern, frontString, type PostFacts } from "./post.ts";
import { hugoUrlize } from "./slug.ts";
import type { SiteInfo } from "./types.ts";

/**
 * The path Hugo publishes a page at: front matter `url` as written; else the
 * `[permalinks]` pattern of its section; else `/<section>/<slug or file name>/`.
 * A page bundle (`posts/outage/index.md`) is named by its folder.
 */
export function hugoPath(site: SiteInfo, post: PostFacts): DerivedPath {
  const own = frontString(post.data, "url");
  if (own) return { path: own.startsWith("/") ? own : `/${own}` };
  const inContent = withinContent(post.sitePath, site.contentDir);
  if (inContent === null) return { path: null, reason: `not under the site's ${site.contentDir}/ folder` };
  const folders = inContent.split("/").slice(0, -1);
  const name = baseName(inContent);
  const bundle = name === "index" && folders.length > 0;
  const fileName = bundle ? (folders.pop() as string) : name;
  const section = folders[0] ?? "";
  const slug = frontString(post.data, "slug");
  const pattern = site.permalinks[section];
  if (!pattern) {
    const leaf = hugoUrlize(slug ?? fileName);
    return { path: `/${[...folders.map(hugoUrlize), leaf].filter(Boolean).join("/")}/` };
  }
  const parts = post.date ? dateParts(post.date, site.timeZone) : null;
  const { path, missing } = fillPattern(pattern, {
    year: parts?.year ?? null,
    month: parts?.month ?? null,
    monthname: parts
      ? new Date(post.date as string)
          .toLocaleString("en-US", { month: "long", timeZone: site.timeZone ?? "UTC" })
          .toLowerCase()
      : null,
    day: parts?.day ?? null,
    weekday: null,
    yearday: parts ? String(Number(parts.yday)) : null,
    section: hugoUrlize(section),
    sections: folders.map(hugoUrlize).join("/"),
    slug: hugoUrlize(slug ?? post.title),
    slugorfilename: hugoUrlize(slug ?? fileName),
    slugorcontentbasename: hugoUrlize(slug ?? fileName),
    title: hugoUrlize(post.title),
    filename: hugoUrlize(fileName),
    contentbasename: hugoUrlize(fileName),
  });
  if (missing.length)
    return { path: null, reason: `permalink '${pattern}' needs :${missing[0]}, which the post lacks` };
  return { path: path.startsWith("/") ? path : `/${path}` };
}

function withinContent(sitePath: string, contentDir: string): string | null {
  const prefix = `${contentDir.replace(/^\.?\/*|\/+$/g, "")}/`;
  return sitePath.startsWith(prefix) ? sitePath.slice(prefix.length) : null;
}

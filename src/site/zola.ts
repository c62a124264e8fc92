import { baseName, type DerivedPath, frontString, type PostFacts } from "./post.ts";
import { zolaSlugify } from "./slug.ts";
import type { SiteInfo } from "./types.ts";

/** A Zola file name may carry the date: `2024-01-02-outage.md` or `2024-01-02_outage.md` → "outage". */
const DATED_NAME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})?)?[-_](.+)$/;

/**
 * The path Zola publishes a page at: front matter `path` as written (relative
 * to the base); else the section folders plus `slug` or the slugified file
 * name (a page bundle `blog/outage/index.md` is named by its folder).
 */
export function zolaPath(site: SiteInfo, post: PostFacts): DerivedPath {
  const own = frontString(post.data, "path");
  if (own) return { path: `/${own.replace(/^\/+|\/+$/g, "")}/` };
  const prefix = `${site.contentDir}/`;
  if (!post.sitePath.startsWith(prefix))
    return { path: null, reason: `not under the site's ${site.contentDir}/ folder` };
  const folders = post.sitePath.slice(prefix.length).split("/").slice(0, -1);
  let name = baseName(post.sitePath);
  if (name === "_index") return { path: null, reason: "a section index, not a page" };
  if (name === "index" && folders.length) name = folders.pop() as string;
  const slug = frontString(post.data, "slug") ?? DATED_NAME.exec(name)?.[1] ?? name;
  return { path: `/${[...folders, zolaSlugify(slug)].join("/")}/` };
}

import { hugoPath } from "./hugo.ts";
import { jekyllPath } from "./jekyll.ts";
import type { DerivedPath, PostFacts } from "./post.ts";
import type { SiteInfo } from "./types.ts";
import { zolaPath } from "./zola.ts";

export { detectSite } from "./detect.ts";
export type { PostFacts } from "./post.ts";
export { type Publication, publicationByDate, unpublishedFlag } from "./publication.ts";
export { titleizeSlug } from "./slug.ts";
export { type Generator, JEKYLL_MARKDOWN_EXT, type SiteInfo, type SiteOverride } from "./types.ts";

/**
 * The absolute URL the site publishes a post at (`baseUrl` joined with the
 * generator's path, keeping the base's own path such as Jekyll's `baseurl`),
 * or the reason it cannot be derived.
 */
export function derivePostUrl(
  site: SiteInfo,
  post: PostFacts,
  baseUrl: string | null,
): { url: string } | { url: null; reason: string } {
  const derived: DerivedPath =
    site.generator === "jekyll"
      ? jekyllPath(site, post)
      : site.generator === "hugo"
        ? hugoPath(site, post)
        : zolaPath(site, post);
  if (derived.path === null) return { url: null, reason: derived.reason };
  if (/^https?:\/\//i.test(derived.path.slice(1))) return { url: derived.path.slice(1) };
  if (!baseUrl)
    return {
      url: null,
      reason: `the site has no base URL (${site.generator === "jekyll" ? "`url` in _config.yml" : site.generator === "hugo" ? "`baseURL`" : "`base_url`"}); pass --base-url`,
    };
  try {
    const base = new URL(baseUrl);
    base.pathname = `${base.pathname.replace(/\/+$/, "")}${derived.path}`;
    return { url: base.href };
  } catch {
    return { url: null, reason: `base URL '${baseUrl}' is not a URL` };
  }
}

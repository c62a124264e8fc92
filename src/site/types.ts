/** The static-site generators whose publishing rules Herald applies. */
export type Generator = "jekyll" | "hugo" | "zola";

/**
 * What Herald knows about the site a post belongs to: enough to derive the
 * URL the generator publishes it at and to decide whether it publishes it at
 * all. Plain data, so it crosses to the parse threads.
 */
export interface SiteInfo {
  generator: Generator;
  /** Absolute folder holding the site's config file. */
  root: string;
  /** Where the site is served: Jekyll `url` + `baseurl`, Hugo `baseURL`, Zola `base_url`. */
  baseUrl: string | null;
  /** Jekyll's `permalink` setting (a style name or a pattern); null for the default (`date`). */
  permalink: string | null;
  /** Hugo's `[permalinks]`: section (or `page`) → pattern. */
  permalinks: Record<string, string>;
  /** Zone for dates written without an offset (Jekyll `timezone`, Hugo `timeZone`). */
  timeZone: string | null;
  /** Publish posts dated in the future (Jekyll `future`, Hugo `buildFuture`). */
  future: boolean;
  /** Broken front matter fails the post instead of being read leniently (Jekyll `strict_front_matter`). */
  strictFrontMatter: boolean;
  /** Extensions (no dot) of Markdown posts: Jekyll's `markdown_ext`. */
  markdownExt: string[];
  /** Hugo/Zola content folder, relative to the root. */
  contentDir: string;
}

/** The `site:` block of a directory feed: overrides what detection found (or stands in for it). */
export interface SiteOverride {
  generator?: Generator | undefined;
  url?: string | undefined;
  baseurl?: string | undefined;
  permalink?: string | undefined;
  timezone?: string | undefined;
  future?: boolean | undefined;
  strictFrontMatter?: boolean | undefined;
  markdownExt?: string[] | undefined;
}

/** Jekyll's default `markdown_ext`. */
export const JEKYLL_MARKDOWN_EXT = ["markdown", "mkdown", "mkdn", "mkd", "md"];

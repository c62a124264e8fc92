import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type Article, NotPublishedError, parsePost } from "../../src/article/index.ts";
import { cardDataFromArticle } from "../../src/card/index.ts";
import { detectSite, type SiteInfo } from "../../src/site/index.ts";
import { fixture } from "./paths.ts";

export const siteFixture = (...parts: string[]) => fixture("sites", ...parts);

/** What a site does with one post: published (with URL, title, date, card or not), or skipped and why. */
export type PostOutcome =
  | {
      published: true;
      article: Article;
      title: string;
      url: string | null;
      date: string | null;
      card: boolean;
      warnings: string[];
    }
  | { published: false; reason: string; publishAt: string | null };

/** Parses a fixture post the way the directory feed and `herald preview` do: with the site found above it. */
export function readSitePost(site: SiteInfo, file: string, now = Date.now()): PostOutcome {
  const warnings: string[] = [];
  try {
    const article = parsePost(readFileSync(file), file, {
      site,
      sitePath: relative(site.root, file),
      now,
      onWarning: (w) => warnings.push(w),
    });
    return {
      published: true,
      article,
      title: article.title,
      url: article.url,
      date: article.date,
      card: cardDataFromArticle(article) !== null,
      warnings,
    };
  } catch (error) {
    if (error instanceof NotPublishedError)
      return { published: false, reason: error.reason, publishAt: error.publishAt };
    throw error;
  }
}

export function siteAt(...parts: string[]): { site: SiteInfo; post: (...path: string[]) => string } {
  const dir = siteFixture(...parts);
  const site = detectSite(dir);
  if (!site) throw new Error(`no site detected above ${dir}`);
  return { site, post: (...path) => join(dir, ...path) };
}

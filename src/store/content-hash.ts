import { createHash } from "node:crypto";
import type { Article } from "../article/types.ts";

/**
 * JSON with object keys sorted at every level, so equal data always gives
 * the same string whatever order its keys were built in.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}

/**
 * SHA-256 (hex) of what a reader would notice changing: title, url, date,
 * excerpt, body, timeline, image, categories, tags, and the breaking/retracted flags. Derived or incidental
 * fields (text, tables, source, language) are left out, so re-parsing the
 * same post with a newer parser does not create a new version.
 */
export function articleContentHash(article: Article): string {
  const meaningful = {
    title: article.title,
    url: article.url,
    date: article.date,
    excerpt: article.excerpt,
    body: article.body,
    timeline: article.timeline,
    image: article.image,
    categories: article.categories,
    tags: article.tags,
    // Only when set, so every version stored before these flags existed keeps its hash.
    ...(article.breaking ? { breaking: true } : {}),
    ...(article.retracted ? { retracted: true } : {}),
  };
  return createHash("sha256").update(stableJson(meaningful)).digest("hex");
}

import { createHash } from "node:crypto";
import { defaultTimeZone } from "../article/date.ts";
import type { Article } from "../article/types.ts";
import { TEMPLATE_VERSION } from "./template.ts";

/**
 * Everything the timeline card shows, already reduced to display strings.
 * Built from an {@link Article} by {@link cardDataFromArticle}; the renderer
 * and the cache key depend only on this, so two articles that would draw the
 * same card share one PNG.
 */
export interface CardData {
  title: string;
  source: string | null;
  /** Already formatted for display in the card's language ("2024년 7월 11일 오후 2:00"). */
  date: string | null;
  /** Column labels of the timeline table (["시점", "내용"]), null when the table had none. */
  labels: [string, string] | null;
  rows: { time: string; event: string }[];
  /** Primary language subtag of the article ("ko", "en", …); picks the font order and the "N more" wording. */
  language: string;
}

/**
 * The card for an article, or null when the article has no timeline (no
 * timeline, or one without rows): Herald only draws cards for timelines.
 *
 * @example
 * const data = cardDataFromArticle(article);
 * if (data) await renderer.render(data);
 */
export function cardDataFromArticle(article: Article): CardData | null {
  const timeline = article.timeline;
  if (!timeline) return null;
  const rows = timeline.rows
    .map((row) => ({ time: tidy(row.time), event: tidy(row.event) }))
    .filter((row) => row.time !== "" || row.event !== "");
  if (rows.length === 0) return null;
  const labels = timeline.labels ? ([tidy(timeline.labels[0]), tidy(timeline.labels[1])] as [string, string]) : null;
  return {
    title: tidy(article.title),
    source: article.source ? tidy(article.source) || null : null,
    date: formatCardDate(article.date, article.language),
    labels: labels && (labels[0] !== "" || labels[1] !== "") ? labels : null,
    rows,
    language: article.language,
  };
}

/**
 * Cache key of a card: sha256 (hex) of the template version and a stable
 * JSON of the data, so a template change or any visible change to the data
 * gives a new key, and key order in the object never matters.
 */
export function cardKey(data: CardData): string {
  return createHash("sha256")
    .update(`${TEMPLATE_VERSION}\n${stableJson(data)}`)
    .digest("hex");
}

/**
 * Formats an ISO instant for the card header in the article's language and
 * zone: the zone Herald reads the language's undated wall-clock times in
 * (Korean in Asia/Seoul, Japanese in Asia/Tokyo, Chinese in Asia/Shanghai,
 * see `defaultTimeZone`), so the card says the time the article means.
 * Other languages are shown in UTC. Every zone but Korea's is named, Korean
 * news never writes KST. Returns null for a missing or unparseable date.
 */
export function formatCardDate(iso: string | null, language: string): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const locale = supportedLocale(language);
  const primary = locale.toLowerCase().split("-")[0] ?? "en";
  const korean = primary === "ko";
  const format = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone: defaultTimeZone(primary),
    ...(korean ? {} : { timeZoneName: "short" as const }),
  });
  return format
    .formatToParts(date)
    .map((part) => (korean && part.type === "dayPeriod" ? koreanDayPeriod(part.value) : part.value))
    .join("");
}

/** Recent ICU data prints "AM"/"PM" in Korean dates; Korean readers expect 오전/오후. */
function koreanDayPeriod(value: string): string {
  if (/^am$/i.test(value)) return "오전";
  if (/^pm$/i.test(value)) return "오후";
  return value;
}

/** The language tag if Intl knows it (it throws on malformed tags), else English. */
function supportedLocale(language: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([language])[0] ?? "en";
  } catch {
    return "en";
  }
}

/** Collapses runs of whitespace (table cells keep their source indentation and newlines). */
function tidy(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** JSON with object keys sorted at every level, so equal data always hashes the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

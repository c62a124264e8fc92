import { defaultTimeZone } from "../article/date.ts";
import { primaryLanguage } from "./labels.ts";

/**
 * Formats an article's instant for people reading the message:
 * Korean in Asia/Seoul ("2024년 7월 11일 오후 2:00"), any other language in
 * its own words and the zone its posts' times are read in, named: Japanese in
 * Asia/Tokyo, Chinese in Asia/Shanghai ("2024年7月11日 GMT+8 13:00"), the rest
 * in UTC ("July 11, 2024 at 5:00 AM UTC").
 * Returns null for a missing or unparsable date.
 */
export function formatMessageDate(iso: string | null, language: string): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const lang = primaryLanguage(language);
  return lang === "ko" ? formatKorean(date) : formatInZone(date, lang);
}

const seoulParts = new Intl.DateTimeFormat("en-US", {
  timeZone: "Asia/Seoul",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  hourCycle: "h23",
});

/**
 * Built from numeric parts because recent CLDR data prints the Korean
 * day period as "PM" in the standard pattern, while Korean news writes 오전/오후.
 */
function formatKorean(date: Date): string {
  const parts = seoulParts.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const hour = Number(part("hour")) % 24;
  const period = hour < 12 ? "오전" : "오후";
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${part("year")}년 ${part("month")}월 ${part("day")}일 ${period} ${hour12}:${part("minute")}`;
}

const zonedFormats = new Map<string, Intl.DateTimeFormat>();

function formatInZone(date: Date, lang: string): string {
  let format = zonedFormats.get(lang);
  if (!format) {
    const locale = lang && Intl.DateTimeFormat.supportedLocalesOf([lang]).length > 0 ? lang : "en";
    format = new Intl.DateTimeFormat(locale, {
      timeZone: defaultTimeZone(lang),
      year: "numeric",
      month: "long",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      timeZoneName: "short",
    });
    zonedFormats.set(lang, format);
  }
  return format.format(date);
}

import { wallClock } from "../article/date.ts";

/** What a generator knows about one post when it decides its URL. */
export interface PostFacts {
  /** Path of the post file relative to the site root, "/"-separated ("_posts/2026-10-14-outage.md"). */
  sitePath: string;
  /** Front matter, keys lowercased. */
  data: Record<string, unknown>;
  title: string;
  /** ISO instant, or null when undated. */
  date: string | null;
}

/** A derived site path ("/news/2026/10/14/outage/"), or why there is none. */
export type DerivedPath = { path: string } | { path: null; reason: string };

/** Calendar fields of an instant in a zone: what `:year`, `:month`… of a permalink read. */
export interface DateParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  /** Day of the year, 1-based, zero-padded to 3 digits. */
  yday: string;
}

export function dateParts(iso: string, timeZone: string | null): DateParts {
  const w = wallClock(new Date(iso), timeZone ?? "UTC");
  const yday =
    Math.round(
      (Date.UTC(Number(w.year), Number(w.month) - 1, Number(w.day)) - Date.UTC(Number(w.year), 0, 1)) / 86_400_000,
    ) + 1;
  return { ...w, yday: String(yday).padStart(3, "0") };
}

/** The file name without folder and extension. */
export function baseName(sitePath: string): string {
  const file = sitePath.split("/").pop() ?? sitePath;
  const dot = file.lastIndexOf(".");
  return dot > 0 ? file.slice(0, dot) : file;
}

export function frontString(data: Record<string, unknown>, key: string): string | null {
  const value = data[key];
  return typeof value === "string" && value.trim() ? value.trim() : typeof value === "number" ? String(value) : null;
}

/** Fills `:name` placeholders (longest names first, so `:i_month` is not read as `:i` + `_month`). */
export function fillPattern(
  pattern: string,
  values: Record<string, string | null>,
): { path: string; missing: string[] } {
  const missing: string[] = [];
  const names = Object.keys(values).sort((a, b) => b.length - a.length);
  const re = new RegExp(`:(${names.join("|")})`, "g");
  const path = pattern.replace(re, (_, name: string) => {
    const value = values[name];
    if (value === null || value === undefined) {
      missing.push(name);
      return "";
    }
    return value;
  });
  return { path: path.replace(/\/{2,}/g, "/"), missing };
}

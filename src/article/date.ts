/**
 * Dates as posts write them, resolved to an instant. A date without an offset
 * ("2024-07-11 14:00") means wall-clock time where the site is, so it is read
 * in the site's time zone rather than silently as UTC.
 */

const ISO_LIKE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;

/** The zone a site most likely writes its wall-clock dates in, by article language. */
export function defaultTimeZone(language: string): string {
  switch (language) {
    case "ko":
      return "Asia/Seoul";
    case "ja":
      return "Asia/Tokyo";
    case "zh":
      return "Asia/Shanghai";
    default:
      return "UTC";
  }
}

/** Parses a front-matter or feed date into an ISO UTC string, or null when it is not a date. */
export function parseDate(value: unknown, timeZone: string): string | null {
  // A TOML local date-time (`2026-10-15T08:00:00`, no offset) is wall-clock time where the site is, like a zoneless string.
  if (value instanceof Date && isLocalTomlDate(value)) return parseDate(value.toISOString(), timeZone);
  // TOML dates are Date subclasses whose toISOString keeps the offset: go through the timestamp.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : new Date(value.getTime()).toISOString();
  if (typeof value === "number" && Number.isFinite(value))
    return new Date(value * (value < 1e11 ? 1000 : 1)).toISOString();
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (!text) return null;

  const m = ISO_LIKE.exec(text);
  if (m) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0", zone] = m;
    const fields = [
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s),
      Number(frac.slice(0, 3).padEnd(3, "0")),
    ] as const;
    const asUtc = Date.UTC(...fields);
    if (Number.isNaN(asUtc)) return null;
    if (zone) return new Date(asUtc - offsetMinutes(zone) * 60_000).toISOString();
    return new Date(asUtc - zoneOffsetAt(asUtc, timeZone) * 60_000).toISOString();
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

/** smol-toml's TomlDate says whether the TOML value had an offset. */
function isLocalTomlDate(value: Date): boolean {
  const local = (value as Date & { isLocal?: () => boolean }).isLocal;
  return typeof local === "function" && local.call(value) === true;
}

function offsetMinutes(zone: string): number {
  if (/^(z|utc|gmt)$/i.test(zone)) return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/** Minutes the zone is ahead of UTC at (approximately) the given wall-clock instant. */
function zoneOffsetAt(wallClockAsUtc: number, timeZone: string): number {
  const w = wallClock(wallClockAsUtc, timeZone);
  const zoned = Date.UTC(
    Number(w.year),
    Number(w.month) - 1,
    Number(w.day),
    Number(w.hour),
    Number(w.minute),
    Number(w.second),
  );
  return Math.round((zoned - wallClockAsUtc) / 60_000);
}

/** The calendar and clock fields (zero-padded, 24-hour) an instant shows in a zone. */
export interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

export function wallClock(instant: number | Date, timeZone: string): WallClock {
  const parts = zoneFormat(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

/** Building an Intl.DateTimeFormat costs more than parsing the rest of a post's dates: one per zone, kept. */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    zoneFormats.set(timeZone, format);
  }
  return format;
}

/** Jekyll names posts `YYYY-M-D-slug.ext`; that date is the post's date when front matter has none. */
export function dateFromFileName(fileName: string): { date: string; slug: string } | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})-(.+?)(\.[^.]+)?$/.exec(fileName);
  if (!m) return null;
  const [, y, mo, d, slug] = m;
  return { date: `${y}-${mo?.padStart(2, "0")}-${d?.padStart(2, "0")}`, slug: slug ?? "" };
}

/** Zola and Hugo write the post date into its path ("2025/02/13/slug"). */
export function dateFromPath(path: unknown): string | null {
  if (typeof path !== "string") return null;
  const m = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\//.exec(path);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

import { wallClock } from "../article/date.ts";

/** When Herald stored each version of an article (ISO 8601), oldest first. */
export interface VersionTime {
  version: number;
  at: string;
}

/**
 * "11:05 · 12:40 · 13:00" in `zone` (with "UTC" after each when the zone is UTC), the date in
 * front of a time on another day than the newest ("10-13 23:50 · 00:10"); "…" first when
 * `omitted` older versions are not listed.
 */
export function versionTimesText(times: readonly VersionTime[], zone: string, omitted = 0): string {
  const last = times.at(-1);
  if (!last) return "";
  const newestDay = dayOf(last.at, zone);
  const utc = zone === "UTC" || zone === "Etc/UTC" ? " UTC" : "";
  const shown = times.map(({ at }) => {
    const clock = wallClock(Date.parse(at), zone);
    const time = `${clock.hour}:${clock.minute}${utc}`;
    return dayOf(at, zone) === newestDay ? time : `${clock.month}-${clock.day} ${time}`;
  });
  return [...(omitted > 0 ? ["…"] : []), ...shown].join(" · ");
}

function dayOf(at: string, zone: string): string {
  const { year, month, day } = wallClock(Date.parse(at), zone);
  return `${year}-${month}-${day}`;
}

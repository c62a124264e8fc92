import { defaultTimeZone, wallClock } from "../article/date.ts";
import { type StoryLanguage, storyLanguage } from "./language.ts";

/**
 * The zone an update's "HH:MM" is shown in. Articles carry instants, not zones: Herald reads a post's
 * wall-clock dates in its site's zone (a directory feed's `site.timezone`), else by its language
 * (ko → Asia/Seoul, see article/date.ts). The same rule picks the zone here; with neither, UTC,
 * and the label then says "UTC" so nobody reads it as local time.
 */
export function storyZone(language: string, siteZone?: string | null): string {
  return siteZone || defaultTimeZone(language);
}

const WORDS: Record<StoryLanguage, { label: (time: string) => string; heading: (time: string) => string }> = {
  ko: { label: (time) => `${time} 업데이트`, heading: (time) => `${time} 업데이트` },
  en: { label: (time) => `updated ${time}`, heading: (time) => `Updated ${time}` },
};

/** "12:05" in `zone`, "12:05 UTC" when the zone is UTC. */
function clock(at: number | Date, zone: string): string {
  const { hour, minute } = wallClock(at, zone);
  return zone === "UTC" || zone === "Etc/UTC" ? `${hour}:${minute} UTC` : `${hour}:${minute}`;
}

/** The marker an edited message shows near its title: "updated 12:05" / "12:05 업데이트". */
export function updatedLabel(at: number | Date, zone: string, language: string): string {
  return WORDS[storyLanguage(language)].label(clock(at, zone));
}

/** What a thread reply opens with: "Updated 12:05" / "12:05 업데이트". */
export function updateHeading(at: number | Date, zone: string, language: string): string {
  return WORDS[storyLanguage(language)].heading(clock(at, zone));
}

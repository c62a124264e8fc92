/** The few words Herald itself adds to a message, per language. */
export interface MessageLabels {
  readMore: string;
  categories: string;
  timeline: string;
}

const KOREAN: MessageLabels = { readMore: "자세히 보기", categories: "분류", timeline: "타임라인" };
const ENGLISH: MessageLabels = { readMore: "Read more", categories: "Categories", timeline: "Timeline" };

/** Primary language subtag in lower case: "ko-KR" → "ko", "EN" → "en". */
export function primaryLanguage(locale: string): string {
  return locale.trim().split(/[-_]/)[0]?.toLowerCase() ?? "";
}

/** Labels for a locale or language tag; English unless the language is Korean. */
export function labelsFor(locale: string): MessageLabels {
  return primaryLanguage(locale) === "ko" ? KOREAN : ENGLISH;
}

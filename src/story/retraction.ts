import type { NewsMessage } from "../message/types.ts";
import { storyLanguage } from "./language.ts";

const NOTICES = { ko: "기사가 철회되었습니다", en: "This article was retracted" } as const;

/** "기사가 철회되었습니다" / "This article was retracted", by the article's language (English unless Korean). */
export function retractionNotice(language: string): string {
  return NOTICES[storyLanguage(language)];
}

/**
 * The message a retracted article's post is edited to: the title (formatters strike it through) and
 * the notice; no body, image, card or timeline, so nothing of the withdrawn text stays on show.
 */
export function retractedMessage(message: NewsMessage): NewsMessage {
  return {
    ...message,
    blocks: [],
    image: null,
    card: null,
    timeline: null,
    updatedLabel: null,
    retraction: { notice: retractionNotice(message.language) },
  };
}

import { primaryLanguage } from "../message/labels.ts";

/** The languages Herald writes its own story words in; every other article language reads English. */
export type StoryLanguage = "ko" | "en";

export function storyLanguage(language: string): StoryLanguage {
  return primaryLanguage(language) === "ko" ? "ko" : "en";
}

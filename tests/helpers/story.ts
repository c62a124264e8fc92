import type { StoryUpdate } from "../../src/message/types.ts";

/** A story update adding one timeline row at 13:40 (the Korean outage story), for thread-reply tests. */
export function storyUpdate(event: string, overrides: Partial<StoryUpdate> = {}): StoryUpdate {
  return {
    articleId: "outage",
    language: "ko",
    heading: "13:40 업데이트",
    rows: [{ time: "13:40", event }],
    summary: null,
    url: null,
    ...overrides,
  };
}

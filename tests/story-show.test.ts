import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePost } from "../src/article/index.ts";
import { type CommandHarness, commandHarness, inlineText } from "./fixtures/commands/harness.ts";
import { storyPost } from "./helpers/story-posts.ts";

let h: CommandHarness;
const story = (rows: number, extraFrontMatter = "") =>
  parsePost(storyPost({ rows, extraFrontMatter }), "story.md", { baseUrl: "https://news.example.kr" });

beforeEach(async () => {
  h = await commandHarness({ allowPrivateFeedUrls: false });
  await h.store.upsertDestination({ id: "desk", type: "discord", config: { channelId: "111" } });
  await h.store.upsertFeed({ id: "wire", type: "webhook", config: {}, destinationIds: ["desk"] });
  h.bindChannel("discord", "111", "desk");
});
afterEach(() => h.cleanup());

const show = async (article: string, locale = "en") =>
  (await h.run({ command: "news", subcommand: "show", options: { article }, locale })).article?.message;

describe("/news show of a developing story", () => {
  it("shows the latest version with the times of every version, in the article's zone", async () => {
    for (const rows of [3, 4, 5]) await h.store.upsertArticle(story(rows), "wire");
    const stored = await h.store.getArticle(story(3).id);
    const message = await show(story(3).id);
    expect(message?.timeline?.rows).toHaveLength(5);
    const times = await Promise.all([1, 2, 3].map((v) => h.store.getArticleVersion(story(3).id, v)));
    const seoul = (at: string | undefined) =>
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "Asia/Seoul",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(Date.parse(at ?? ""));
    const [first] = message?.blocks ?? [];
    expect(first?.type === "paragraph" && inlineText(first.children)).toBe(
      `Updated 2 times: ${times.map((t) => seoul(t?.createdAt)).join(" · ")}`,
    );
    expect(message?.updatedLabel).toBe(`${seoul(stored?.createdAt)} 업데이트`);
    // The words are the channel's language; the times stay the article's.
    const korean = (await show(story(3).id, "ko"))?.blocks[0];
    expect(korean?.type === "paragraph" && inlineText(korean.children)).toMatch(/^2번 업데이트됨: \d{2}:\d{2} · /);
  });

  it("shows a first version as it was posted, and a retracted article in its retracted form", async () => {
    await h.store.upsertArticle(story(3), "wire");
    const single = await show(story(3).id);
    expect(single?.updatedLabel).toBeUndefined();
    await h.store.upsertArticle(story(3, "retracted: true\n"), "wire");
    const retracted = await show(story(3).id);
    expect(retracted?.retraction).toEqual({ notice: "기사가 철회되었습니다" });
    expect([retracted?.blocks, retracted?.card]).toEqual([[], null]);
  });
});

import { describe, expect, it } from "vitest";
import { parsePost } from "../src/article/index.ts";
import { buildMessage } from "../src/message/build.ts";
import { articleContentHash } from "../src/store/content-hash.ts";
import {
  effectiveUpdates,
  notifyFor,
  retractedMessage,
  severityOf,
  storyChange,
  storyUpdate,
  storyZone,
  updatedLabel,
  updatedMessage,
  versionTimesText,
} from "../src/story/index.ts";
import { storyPost } from "./helpers/story-posts.ts";

const story = (rows: number, options: Parameters<typeof storyPost>[0] | object = {}) =>
  parsePost(storyPost({ rows, ...options }), "story.md", { baseUrl: "https://news.example" });
const english = (title: string, extra = "") =>
  parsePost(`---\ntitle: "${title}"\nlang: en\n${extra}---\n\nThe text.\n`, "en.md");

describe("what changed in a developing story", () => {
  it("lists the timeline rows the newer version added, in its order, by time and event", () => {
    const change = storyChange(story(3), story(5));
    expect(change).toEqual({
      rows: [
        { time: "오후 12:40", event: "설정 되돌리기 시작, 일부 결제 재개" },
        { time: "오후 1:00", event: "결제 API 정상화" },
      ],
      summary: null,
    });
  });

  it("says the title changed, in the article's language, when no row was added", () => {
    expect(storyChange(story(3), story(3, { title: "[속보] 결제 장애 복구 중" })).summary).toBe(
      "제목 변경: [속보] 결제 장애 복구 중",
    );
    expect(storyChange(english("Outage"), english("Outage resolved")).summary).toBe("Title changed: Outage resolved");
  });

  it("says the text was corrected when neither rows nor title changed; other languages read English", () => {
    const before = story(3);
    expect(storyChange(before, { ...before, excerpt: "고침" }).summary).toBe("본문 수정");
    const french = parsePost(`---\ntitle: "Panne"\nlang: fr\n---\n\nTexte.\n`, "fr.md");
    expect(storyChange(french, { ...french, excerpt: "x" }).summary).toBe("Text corrected");
  });

  it("builds the thread reply with the heading in the article's zone and every new row", () => {
    const at = Date.parse("2026-10-14T04:05:00Z"); // 13:05 in Seoul
    const update = storyUpdate(story(3), story(4), { at, zone: storyZone("ko") });
    expect(update.heading).toBe("13:05 업데이트");
    expect(update.rows).toEqual([{ time: "오후 12:40", event: "설정 되돌리기 시작, 일부 결제 재개" }]);
    expect(update.url).toBe("https://news.example/news/story/");
  });
});

describe("the updated marker", () => {
  const at = Date.parse("2026-10-14T04:05:00Z");

  it("shows the time in the site's zone, else the language's, else UTC and says so", () => {
    expect(updatedLabel(at, storyZone("ko"), "ko")).toBe("13:05 업데이트");
    expect(updatedLabel(at, storyZone("en", "America/New_York"), "en")).toBe("updated 00:05");
    expect(updatedLabel(at, storyZone("en"), "en")).toBe("updated 04:05 UTC");
  });

  it("is carried by the edited message", () => {
    const message = updatedMessage(buildMessage(story(4)), { at, zone: "Asia/Seoul" });
    expect(message.updatedLabel).toBe("13:05 업데이트");
  });
});

describe("severity", () => {
  it("is breaking for the default title prefixes, whatever their case", () => {
    for (const title of [
      "[속보] 장애",
      "[긴급] 점검",
      "[단독] 인수",
      "BREAKING: outage",
      "breaking outage",
      "Urgent - x",
    ])
      expect(severityOf({ title }), title).toBe("breaking");
  });

  it("is normal otherwise, and a prefix must end a word", () => {
    for (const title of ["장애 [속보]", "Urgently needed", "Breakingviews column", "Daily digest"])
      expect(severityOf({ title }), title).toBe("normal");
  });

  it("follows a feed's own prefixes, and front matter breaking: true", () => {
    expect(severityOf({ title: "[특보] 태풍" }, ["[특보]"])).toBe("breaking");
    expect(severityOf({ title: "[속보] 장애" }, ["[특보]"])).toBe("normal");
    expect(severityOf(english("Quiet title", "breaking: true\n"))).toBe("breaking");
  });
});

describe("retraction", () => {
  it("reads retracted: true and unpublished: true from front matter as a retraction, not as a draft", () => {
    expect(story(3, { extraFrontMatter: "retracted: true\n" }).retracted).toBe(true);
    expect(story(3, { extraFrontMatter: "unpublished: true\n" }).retracted).toBe(true);
    expect(story(3).retracted).toBeUndefined();
  });

  it("makes the retracted article a new version, while an unflagged article keeps its old hash", () => {
    const plain = story(3);
    expect(articleContentHash({ ...plain, retracted: true })).not.toBe(articleContentHash(plain));
    expect(Object.keys(plain)).not.toContain("retracted");
  });

  it("edits to the title and the notice in the article's language, without body, card or image", () => {
    const message = buildMessage(story(3), {
      card: { filename: "timeline.png", url: null, width: 10, height: 10 },
    });
    const retracted = retractedMessage(message);
    expect(retracted.retraction).toEqual({ notice: "기사가 철회되었습니다" });
    expect([retracted.card, retracted.image, retracted.timeline, retracted.blocks]).toEqual([null, null, null, []]);
    expect(retracted.title).toBe(message.title);
    expect(retractedMessage(buildMessage(english("Outage"))).retraction?.notice).toBe("This article was retracted");
  });
});

describe("what a destination does", () => {
  it("falls back to what the poster can: no reply → edit only, no edit → post", () => {
    expect(effectiveUpdates("story", { edit: true, reply: true })).toBe("story");
    expect(effectiveUpdates("story", { edit: true, reply: false })).toBe("edit");
    expect(effectiveUpdates("thread", { edit: true, reply: false })).toBe("edit");
    expect(effectiveUpdates("story", { edit: false, reply: false })).toBe("post");
    expect(effectiveUpdates("thread", { edit: false, reply: true })).toBe("thread");
    expect(effectiveUpdates("post", { edit: true, reply: true })).toBe("post");
  });

  it("notifies per severity as configured: the mention only for its severity, silent by list", () => {
    const policy = { mention: { breaking: "<@&123>" }, silent: ["minor"] as const };
    expect(notifyFor("breaking", policy)).toEqual({ mention: "<@&123>" });
    expect(notifyFor("normal", policy)).toBeUndefined();
    expect(notifyFor("minor", { ...policy, mention: { breaking: "<@&1>", normal: "<!here>" } })).toEqual({
      silent: true,
    });
  });
});

describe("the times of a story's versions", () => {
  it("lists them in the zone, with the date on an earlier day, UTC said, and older ones elided", () => {
    const times = [
      { version: 1, at: "2026-10-13T14:50:00Z" },
      { version: 2, at: "2026-10-13T15:10:00Z" },
      { version: 3, at: "2026-10-13T16:00:00Z" },
    ];
    expect(versionTimesText(times, "Asia/Seoul")).toBe("10-13 23:50 · 00:10 · 01:00");
    expect(versionTimesText(times.slice(1), "UTC", 1)).toBe("… · 15:10 UTC · 16:00 UTC");
    expect(versionTimesText([], "UTC")).toBe("");
  });
});

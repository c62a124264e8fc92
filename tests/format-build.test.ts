import { describe, expect, it } from "vitest";
import { buildMessage } from "../src/message/build.ts";
import { formatMessageDate } from "../src/message/date.ts";
import { englishArticle, koreanOutageArticle, timelineCard } from "./fixtures/format/articles.ts";

describe("buildMessage", () => {
  it("carries the excerpt as one plain paragraph for a summary (the default)", () => {
    const article = koreanOutageArticle();
    const msg = buildMessage(article, {});
    expect(msg.blocks).toEqual([{ type: "paragraph", children: [{ type: "text", value: article.excerpt }] }]);
    expect(msg).toMatchObject({
      articleId: article.id,
      title: article.title,
      url: article.url,
      source: article.source,
      date: article.date,
      language: "ko",
      categories: article.categories,
      image: article.image,
      card: null,
      timeline: article.timeline,
    });
  });

  it("makes a wrapped title one line", () => {
    const article = { ...englishArticle(), title: "  API latency\n  elevated\tin eu-west " };
    expect(buildMessage(article).title).toBe("API latency elevated in eu-west");
  });

  it("keeps the excerpt's Markdown-looking characters as plain text", () => {
    const article = { ...englishArticle(), excerpt: "Not **bold**, not [a link](https://x.example)" };
    expect(buildMessage(article).blocks).toEqual([
      { type: "paragraph", children: [{ type: "text", value: article.excerpt }] },
    ]);
  });

  it("turns blank lines in an excerpt into paragraphs and single newlines into breaks", () => {
    const article = { ...englishArticle(), excerpt: "First line\nsecond line\n\nNext paragraph\n" };
    expect(buildMessage(article).blocks).toEqual([
      {
        type: "paragraph",
        children: [{ type: "text", value: "First line" }, { type: "break" }, { type: "text", value: "second line" }],
      },
      { type: "paragraph", children: [{ type: "text", value: "Next paragraph" }] },
    ]);
  });

  it("falls back to the body's first paragraph when there is no excerpt", () => {
    const article = { ...koreanOutageArticle(), excerpt: "" };
    expect(buildMessage(article).blocks).toEqual([article.body.find((b) => b.type === "paragraph")]);
  });

  it("carries the whole body for detail: full, and the card when given", () => {
    const article = koreanOutageArticle();
    const msg = buildMessage(article, { detail: "full", card: timelineCard });
    expect(msg.blocks).toEqual(article.body);
    expect(msg.card).toEqual(timelineCard);
  });

  it("labels the button in the reader's locale, defaulting to the article's language", () => {
    expect(buildMessage(koreanOutageArticle()).readMoreLabel).toBe("자세히 보기");
    expect(buildMessage(koreanOutageArticle(), { locale: "en-US" }).readMoreLabel).toBe("Read more");
    expect(buildMessage(englishArticle(), { locale: "ko-KR" }).readMoreLabel).toBe("자세히 보기");
    expect(buildMessage(englishArticle()).readMoreLabel).toBe("Read more");
  });

  it("rejects an unknown detail level, naming it", () => {
    expect(() => buildMessage(englishArticle(), { detail: "everything" as never })).toThrow(/detail.*"everything"/);
  });
});

describe("formatMessageDate", () => {
  it("writes Korean dates in Seoul time with 오전/오후", () => {
    expect(formatMessageDate("2024-07-11T05:00:00.000Z", "ko")).toBe("2024년 7월 11일 오후 2:00");
    expect(formatMessageDate("2024-07-10T15:30:00.000Z", "ko")).toBe("2024년 7월 11일 오전 12:30");
  });

  it("writes other languages in UTC and says so", () => {
    expect(formatMessageDate("2024-07-11T05:00:00.000Z", "en")).toBe("July 11, 2024 at 5:00 AM UTC");
  });

  it("returns null for missing or unparsable dates", () => {
    expect(formatMessageDate(null, "en")).toBeNull();
    expect(formatMessageDate("yesterday", "en")).toBeNull();
  });
});

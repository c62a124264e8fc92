/**
 * Cards for the timelines posts write as lists, and card dates in the zone
 * the article's times are read in (a Chinese post's 10:00 is Beijing time,
 * and its card must say 10:00, not 02:00 UTC).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePost } from "../src/article/index.ts";
import { cardDataFromArticle, formatCardDate } from "../src/card/index.ts";
import { formatMessageDate } from "../src/message/date.ts";
import { fixture } from "./helpers/paths.ts";

const post = (name: string) => parsePost(readFileSync(fixture("timelines", name)), name);

describe("cards of list timelines", () => {
  it("draws a post-mortem's list timeline, without column labels", () => {
    const data = cardDataFromArticle(post("en-list-bold-stamps.md"));
    expect(data?.labels).toBeNull();
    expect(data?.rows[3]).toEqual({ time: "00:10 UTC", event: "Old segments deleted, broker-3 accepts writes again" });
  });

  it("draws no card for a post whose only table holds durations", () => {
    expect(cardDataFromArticle(post("durations-table.md"))).toBeNull();
  });
});

describe("card dates in the article's zone", () => {
  it("prints a Chinese article's date in Asia/Shanghai and names the zone", () => {
    const article = post("zh-list-months.md");
    expect(article.date).toBe("2026-01-15T02:00:00.000Z");
    const date = cardDataFromArticle(article)?.date ?? "";
    expect(date).toContain("2026年1月15日");
    expect(date).toContain("10:00");
    expect(date).toMatch(/GMT\+8|CST/);
    expect(date).not.toContain("UTC");
  });

  it("prints a Japanese article's date in Asia/Tokyo", () => {
    const article = post("ja-list.md");
    expect(cardDataFromArticle(article)?.date).toMatch(/2026年7月7日.*12:00.*JST/);
  });

  it("keeps Korean in Asia/Seoul without a zone name and English in UTC with one", () => {
    expect(formatCardDate("2024-07-11T05:00:00.000Z", "ko")).toBe("2024년 7월 11일 오후 2:00");
    expect(formatCardDate("2024-07-11T05:00:00.000Z", "en")).toMatch(/^July 11, 2024 at 5:00\s?AM UTC$/u);
    expect(formatCardDate("2024-07-11T05:00:00.000Z", "zh-CN")).toMatch(/13:00/);
  });

  it("writes message dates in the same zones", () => {
    expect(formatMessageDate("2024-07-11T05:00:00.000Z", "zh")).toMatch(/2024年7月11日.*13:00/);
    expect(formatMessageDate("2024-07-11T05:00:00.000Z", "ja")).toMatch(/14:00 JST/);
    expect(formatMessageDate("2024-07-11T05:00:00.000Z", "en")).toBe("July 11, 2024 at 5:00 AM UTC");
  });
});

import type { KnownBlock, SectionBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { formatSlack } from "../adapters/slack/format.ts";
import type { Article, Block } from "../src/article/types.ts";
import { buildMessage } from "../src/message/build.ts";
import { linkedCard } from "../src/message/card-placement.ts";
import {
  englishArticle,
  HOSTILE_TEXT,
  koreanOutageArticle,
  koreanProse,
  timelineCard,
  withBody,
} from "./fixtures/format/articles.ts";
import { slackAngleTokens, slackShown } from "./fixtures/format/inspect.ts";
import { paragraph } from "./helpers/blocks.ts";

function slackOf(article: Article, opts: Parameters<typeof buildMessage>[1] = { detail: "full" }) {
  const message = buildMessage(article, opts);
  return formatSlack(message, linkedCard(message.card));
}

const sections = (blocks: KnownBlock[]) => blocks.filter((b): b is SectionBlock => b.type === "section");
const sectionTexts = (blocks: KnownBlock[]) => sections(blocks).map((s) => s.text!.text);
const ofType = <T extends KnownBlock["type"]>(blocks: KnownBlock[], type: T) =>
  blocks.filter((b): b is Extract<KnownBlock, { type: T }> => b.type === type);

function expectWithinLimits(message: ReturnType<typeof formatSlack>): void {
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const header of ofType(message.blocks, "header")) expect(header.text.text.length).toBeLessThanOrEqual(150);
  for (const section of sections(message.blocks)) expect(section.text!.text.length).toBeLessThanOrEqual(3000);
  for (const context of ofType(message.blocks, "context")) {
    expect(context.elements.length).toBeLessThanOrEqual(10);
    for (const element of context.elements)
      if ("text" in element) expect(element.text.length).toBeLessThanOrEqual(3000);
  }
  for (const image of ofType(message.blocks, "image")) {
    expect(image.alt_text.length).toBeLessThanOrEqual(2000);
    if ("image_url" in image) expect(image.image_url.length).toBeLessThanOrEqual(3000);
  }
  for (const actions of ofType(message.blocks, "actions")) {
    for (const element of actions.elements) {
      if (element.type !== "button") continue;
      expect(element.text.text.length).toBeLessThanOrEqual(75);
      expect(element.url!.length).toBeLessThanOrEqual(3000);
    }
  }
}

describe("formatSlack", () => {
  it("builds header, context, text, image and a Read more button, with unfurling off", () => {
    const article = koreanOutageArticle();
    const message = slackOf(article, { card: timelineCard });
    expect(message.unfurl_links).toBe(false);
    expect(message.unfurl_media).toBe(false);
    expect(message.blocks.map((b) => b.type)).toEqual(["header", "context", "section", "image", "actions"]);
    expect(ofType(message.blocks, "header")[0]!.text).toMatchObject({ type: "plain_text", text: article.title });
    const context = ofType(message.blocks, "context")[0]!.elements[0]!;
    expect(context).toMatchObject({ type: "mrkdwn", text: "newsdao.kr · 2024년 7월 11일 오후 2:00 · News" });
    expect(sectionTexts(message.blocks)).toEqual([article.excerpt]);
    expect(ofType(message.blocks, "image")[0]).toMatchObject({ image_url: timelineCard.url });
    const button = ofType(message.blocks, "actions")[0]!.elements[0]!;
    expect(button).toMatchObject({
      type: "button",
      url: article.url,
      text: { type: "plain_text", text: "자세히 보기" },
    });
    expect(message.text).toContain(article.title);
  });

  it("lists the timeline as text when the card has no public URL", () => {
    const article = koreanOutageArticle();
    const message = slackOf(article, { card: { ...timelineCard, url: null } });
    expect(ofType(message.blocks, "image")).toHaveLength(0);
    const shown = sectionTexts(message.blocks).map(slackShown).join("\n");
    for (const row of article.timeline!.rows) expect(shown).toContain(`*${row.time}* — ${row.event}`);
  });

  it("has no button when the article has no safe URL", () => {
    const message = slackOf({ ...englishArticle(), url: "javascript:alert(1)" });
    expect(ofType(message.blocks, "actions")).toHaveLength(0);
  });

  it("turns emphasis, strong, strike, code and links into mrkdwn", () => {
    const [text] = sectionTexts(slackOf(englishArticle()).blocks);
    expect(text).toContain("*elevated latency*");
    expect(text).toContain("_timeouts_");
    expect(text).toContain("~database~");
    expect(text).toContain("`cache-07`");
    expect(text).toContain("<https://status.example.com/postmortem|postmortem>");
  });

  it("makes headings bold lines and lists bullet lines", () => {
    const text = sectionTexts(slackOf(koreanOutageArticle()).blocks)[0]!;
    const lines = text.split("\n");
    expect(lines[0]).toBe("*MS 아웃룩(Azure) 장애, 아시아-태평양 지역에서 발생*");
    expect(lines).toContain("• 셰어포인트 온라인");
  });

  it("separates a marker from Hangul that touches it so Slack still applies it", () => {
    const text = sectionTexts(slackOf(koreanOutageArticle()).blocks)[0]!;
    // "*접속 장애*를": Slack ignores a closing * followed by a letter, so a zero-width space goes between.
    expect(text).toContain("*접속 장애*\u200b를");
  });

  it("escapes &, < and > so article text can never mention or link", () => {
    const message = slackOf(withBody(englishArticle(), [paragraph(HOSTILE_TEXT)]));
    const [text] = sectionTexts(message.blocks);
    expect(slackAngleTokens(text!)).toEqual([]);
    expect(slackShown(text!)).toBe(HOSTILE_TEXT);
    for (const ping of ["<!channel>", "<!here>", "<@U123>", "<!subteam^S1>", "<@123>"]) {
      expect(text).not.toContain(ping);
      expect(message.text).not.toContain(ping);
    }
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).toContain("AT&amp;T");
    expect(text).not.toMatch(/@(channel|here|everyone)/);
  });

  it("escapes the title, context and fallback text too", () => {
    const article = {
      ...englishArticle(),
      title: "<!channel> R&D <@U1>",
      source: "<!here>",
      categories: ["<!subteam^S1>"],
    };
    const message = slackOf(article);
    const header = ofType(message.blocks, "header")[0]!.text.text;
    const context = ofType(message.blocks, "context")[0]!.elements[0]!;
    for (const text of [header, "text" in context ? context.text : "", message.text]) {
      expect(slackAngleTokens(text)).toEqual([]);
    }
    expect(header).toBe("&lt;!channel&gt; R&amp;D &lt;@U1&gt;");
  });

  it("only makes http(s) links, with | and > kept out of the link syntax", () => {
    const body: Block[] = [
      {
        type: "paragraph",
        children: [
          { type: "link", url: "javascript:alert(1)", children: [{ type: "text", value: "bad" }] },
          { type: "text", value: " " },
          { type: "link", url: "https://example.com/search?q=a|b>c", children: [{ type: "text", value: "x|y>z" }] },
        ],
      },
    ];
    const [text] = sectionTexts(slackOf(withBody(englishArticle(), body)).blocks);
    const tokens = slackAngleTokens(text!);
    expect(tokens).toHaveLength(1);
    const [, url, label] = /^<([^|>]*)\|([^|>]*)>$/.exec(tokens[0]!) ?? [];
    expect(url).toBeDefined();
    expect(decodeURIComponent(url!)).toBe("https://example.com/search?q=a|b>c");
    expect(label).toBeDefined();
    expect(text!.startsWith("bad ")).toBe(true);
  });

  it("spreads a 10,000-character Korean body over sections of at most 3000, losing nothing", () => {
    const prose = koreanProse(10_000);
    const message = slackOf(withBody(koreanOutageArticle(), [paragraph(prose)]));
    expectWithinLimits(message);
    const texts = sectionTexts(message.blocks);
    expect(texts.length).toBeGreaterThanOrEqual(4);
    const squash = (s: string) => s.replace(/\s+/g, "");
    // Sections are body first, then the timeline section.
    expect(squash(texts.slice(0, -1).map(slackShown).join(""))).toBe(squash(prose));
  });

  it("stays within 50 blocks and ends with … when the body is longer than 50 blocks can hold", () => {
    const prose = koreanProse(200_000);
    const message = slackOf(withBody(koreanOutageArticle(), [paragraph(prose)]), {
      detail: "full",
      card: timelineCard,
    });
    expectWithinLimits(message);
    expect(message.blocks).toHaveLength(50);
    const texts = sectionTexts(message.blocks);
    expect(texts.at(-1)!.endsWith("…")).toBe(true);
  });

  it("keeps header, context, alt text and fallback within limits for a 300-character title, 100 categories and a long timeline", () => {
    const article: Article = {
      ...withBody(koreanOutageArticle(), [paragraph(koreanProse(10_000))]),
      title: "속보 ".repeat(100),
      categories: Array.from({ length: 100 }, (_, i) => `분류${i}`),
      timeline: {
        labels: ["시점", "내용"],
        rows: Array.from({ length: 80 }, (_, i) => ({ time: `${i}:00`, event: "사건 ".repeat(30) })),
      },
    };
    const message = slackOf(article, { detail: "full", card: timelineCard });
    expectWithinLimits(message);
    const header = ofType(message.blocks, "header")[0]!.text.text;
    expect(header.endsWith("…")).toBe(true);
    expect(article.title.startsWith(header.slice(0, -1))).toBe(true);
    expect(ofType(message.blocks, "image")[0]!.alt_text.endsWith("…")).toBe(true);
    expect(message.text.length).toBeLessThanOrEqual(3000);
  });
});

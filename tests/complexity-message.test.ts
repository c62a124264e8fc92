/**
 * Building and formatting a message takes time proportional to the article on
 * hostile text, including the truncation that fits it into each platform's
 * limits and Slack's pagination (see tests/helpers/hostile.ts for the measure).
 */
import { describe, expect, it } from "vitest";
import { formatDiscord } from "../adapters/discord/format.ts";
import { formatSlack } from "../adapters/slack/format.ts";
import { formatTelegram } from "../adapters/telegram/format.ts";
import { ArticleParseError, articleFromFields, parsePost } from "../src/article/index.ts";
import type { Article } from "../src/article/types.ts";
import { buildMessage } from "../src/message/build.ts";
import { linkedCard, uploadedCard } from "../src/message/card-placement.ts";
import type { CardRef, NewsMessage } from "../src/message/types.ts";
import { fitText, truncate } from "../src/text/truncate.ts";
import { GROWTH_LIMIT, growthDetail, growthRatio, HOSTILE_SHAPES, hostileText } from "./helpers/hostile.ts";

const KB = 1024;
const CARD: CardRef = {
  filename: "timeline.png",
  url: "https://cdn.example.com/timeline.png",
  width: 1200,
  height: 630,
};

/** Parsed once per size; each timed run gets its own copy, because renderings are cached per model node. */
function articles(shape: string, format: "markdown" | "html"): (kb: number) => Article {
  const parsed = new Map<number, Article>();
  return (kb) => {
    let article = parsed.get(kb);
    if (!article) {
      const text = hostileText(shape, kb * KB);
      article = parseOrPlain(format, text);
      parsed.set(kb, article);
    }
    return structuredClone(article);
  };
}

/** Markup too deep to parse is refused; its text still makes a long paragraph to format. */
function parseOrPlain(format: "markdown" | "html", text: string): Article {
  try {
    if (format === "html") return articleFromFields({ title: "Hostile", body: text, bodyFormat: "html" }, "item");
    return parsePost(`---\ntitle: Hostile\n---\n${text}`, "hostile.md", { baseUrl: "https://news.example.kr" });
  } catch (error) {
    if (!(error instanceof ArticleParseError)) throw error;
    return articleFromFields(
      { title: "Hostile", body: text.replace(/[<>*_`[\]~\\&|#-]/g, " "), bodyFormat: "html" },
      "item",
    );
  }
}

const FORMATTERS: Record<string, (msg: NewsMessage) => unknown> = {
  Discord: (msg) => formatDiscord(msg, uploadedCard(msg.card)),
  Slack: (msg) => formatSlack(msg, linkedCard(msg.card)),
  Telegram: (msg) => formatTelegram(msg, 1, uploadedCard(msg.card)),
};

describe.each(Object.keys(FORMATTERS))("buildMessage + %s formatter grow linearly on hostile articles", (platform) => {
  const format = FORMATTERS[platform] as (msg: NewsMessage) => unknown;
  for (const bodyFormat of ["markdown", "html"] as const) {
    it.each(HOSTILE_SHAPES)(`full ${bodyFormat} body with a card: %s`, (shape) => {
      const growth = growthRatio(
        articles(shape, bodyFormat),
        (article) => format(buildMessage(article, { detail: "full", card: CARD })),
        GROWTH_LIMIT,
      );
      expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
    });
  }
});

describe("text truncation grows linearly on hostile text", () => {
  it.each(HOSTILE_SHAPES)("truncate and fitText to a fraction of the text: %s", (shape) => {
    const growth = growthRatio(
      (kb) => hostileText(shape, kb * KB),
      (text) => [
        truncate(text, text.length >> 1),
        fitText(text, (t) => t.replace(/[&<>]/g, "&amp;"), text.length >> 1),
      ],
      GROWTH_LIMIT,
    );
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });
});

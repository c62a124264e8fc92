import type { APIEmbed } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { formatDiscord } from "../adapters/discord/format.ts";
import type { Article, Block } from "../src/article/types.ts";
import { buildMessage } from "../src/message/build.ts";
import { NO_CARD, uploadedCard } from "../src/message/card-placement.ts";
import {
  englishArticle,
  HOSTILE_TEXT,
  koreanOutageArticle,
  koreanProse,
  timelineCard,
  withBody,
} from "./fixtures/format/articles.ts";
import { discordShown } from "./fixtures/format/inspect.ts";
import { paragraph } from "./helpers/blocks.ts";

function embedOf(article: Article, opts: Parameters<typeof buildMessage>[1] = { detail: "full" }): APIEmbed {
  const message = buildMessage(article, opts);
  const body = formatDiscord(message, uploadedCard(message.card));
  expect(body.embeds).toHaveLength(1);
  return body.embeds![0]!;
}

/** Discord's documented total: title, description, field names and values, footer text, author name. */
function embedTotal(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

function expectWithinLimits(embed: APIEmbed): void {
  expect(embed.title?.length ?? 0).toBeLessThanOrEqual(256);
  expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
  expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(2048);
  expect(embed.author?.name.length ?? 0).toBeLessThanOrEqual(256);
  expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
  for (const field of embed.fields ?? []) {
    expect(field.name.length).toBeGreaterThan(0);
    expect(field.name.length).toBeLessThanOrEqual(256);
    expect(field.value.length).toBeGreaterThan(0);
    expect(field.value.length).toBeLessThanOrEqual(1024);
  }
  expect(embedTotal(embed)).toBeLessThanOrEqual(6000);
}

describe("formatDiscord", () => {
  it("posts one embed with the linked title, colour, timestamp and source footer, and pings nobody", () => {
    const article = koreanOutageArticle();
    const body = formatDiscord(buildMessage(article), NO_CARD);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content ?? "").toBe("");
    const embed = body.embeds![0]!;
    expect(embed.title).toBe(article.title);
    expect(embed.url).toBe(article.url);
    expect(typeof embed.color).toBe("number");
    expect(embed.timestamp).toBe(article.date);
    expect(embed.footer?.text).toBe(article.source);
    expect(embed.description).toBe(article.excerpt);
    expect(embed.fields).toContainEqual(expect.objectContaining({ value: article.categories[0] }));
  });

  it("shows the card as attachment://<filename> and describes it for screen readers", () => {
    const article = koreanOutageArticle();
    const body = formatDiscord(buildMessage(article, { card: timelineCard }), uploadedCard(timelineCard));
    expect(body.embeds![0]!.image).toEqual({ url: `attachment://${timelineCard.filename}` });
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments![0]).toMatchObject({ id: 0, filename: timelineCard.filename });
    for (const row of article.timeline!.rows) expect(body.attachments![0]!.description).toContain(row.time);
  });

  it("falls back to the lead image and lists the timeline as a field when there is no card", () => {
    const article = koreanOutageArticle();
    const embed = embedOf(article, {});
    expect(embed.image).toEqual({ url: article.image });
    const timeline = embed.fields?.find((f) => f.name.includes(article.timeline!.labels![0]));
    expect(timeline).toBeDefined();
    for (const row of article.timeline!.rows) {
      expect(timeline!.value).toContain(row.time);
      expect(discordShown(timeline!.value)).toContain(row.event);
    }
  });

  it("omits url, image and timestamp it cannot trust", () => {
    const article = {
      ...englishArticle(),
      url: "javascript:alert(1)",
      image: "data:image/png;base64,AAAA",
      date: "soon",
    };
    const embed = embedOf(article);
    expect(embed.url).toBeUndefined();
    expect(embed.image).toBeUndefined();
    expect(embed.timestamp).toBeUndefined();
  });

  it("turns emphasis, strong, strike, code and links into Discord Markdown, and headings into bold lines", () => {
    const description = embedOf(englishArticle()).description!;
    expect(description).toContain("**elevated latency**");
    expect(description).toMatch(/(^|[^*])\*timeouts\*([^*]|$)/);
    expect(description).toContain("~~database~~");
    expect(description).toContain("`cache-07`");
    expect(description).toContain("[postmortem](https://status.example.com/postmortem)");

    const korean = koreanOutageArticle();
    const heading = korean.body[0]!;
    const lines = embedOf(korean).description!.split("\n");
    expect(heading.type).toBe("heading");
    expect(lines[0]).toBe(`**${discordShown(lines[0]!.slice(2, -2))}**`);
    expect(lines).toContain("- 셰어포인트 온라인");
  });

  it("does not make javascript: or relative links into masked links", () => {
    const body: Block[] = [
      {
        type: "paragraph",
        children: [
          { type: "link", url: "javascript:alert(document.cookie)", children: [{ type: "text", value: "click me" }] },
          { type: "text", value: " and " },
          { type: "link", url: "/relative/path", children: [{ type: "text", value: "this" }] },
        ],
      },
    ];
    const description = embedOf(withBody(englishArticle(), body)).description!;
    expect(description).toBe("click me and this");
  });

  it("shows a link whose text is itself a URL as the bare URL, not a masked link", () => {
    const body: Block[] = [
      {
        type: "paragraph",
        children: [
          { type: "link", url: "https://newsdao.kr/", children: [{ type: "text", value: "https://newsdao.kr" }] },
        ],
      },
    ];
    expect(embedOf(withBody(englishArticle(), body)).description).toBe("https://newsdao.kr/");
  });

  it("shows hostile article text exactly as written: no formatting, masked links or mentions", () => {
    const body = formatDiscord(
      buildMessage(withBody(englishArticle(), [paragraph(HOSTILE_TEXT)]), { detail: "full" }),
      NO_CARD,
    );
    const description = body.embeds![0]!.description!;
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(discordShown(description)).toBe(HOSTILE_TEXT);
    expect(description).not.toMatch(/@(everyone|here)/);
    // Every mention-like "<" is escaped, so <@123>, <@&456>, <#789> and </deploy:1> render literally.
    expect(description).not.toMatch(/(^|[^\\])</);
    expect(description).toContain("\\*\\*not bold\\*\\*");
    expect(description).toContain("\\[masked]");
    expect(description).toContain("\\|\\|spoiler\\|\\|");
  });

  it("neutralises mentions in the title, categories and footer too", () => {
    const article = {
      ...englishArticle(),
      title: "@everyone <@123> outage",
      source: "@here news",
      categories: ["<@&456>", "@everyone"],
    };
    const embed = embedOf(article);
    const texts = [embed.title!, embed.footer!.text, ...(embed.fields ?? []).map((f) => f.value)];
    for (const text of texts) {
      expect(text).not.toMatch(/@(everyone|here)/);
      expect(text).not.toMatch(/(^|[^\\])<@/);
    }
  });

  it("escapes Markdown that only counts at the start of a line", () => {
    const text = "# Breaking\n> quoted\n- item\n+ plus\n12. numbered\n-# subtext";
    const description = embedOf(withBody(englishArticle(), [paragraph(text)])).description!;
    expect(description.split("\n")).toEqual([
      "\\# Breaking",
      "\\> quoted",
      "\\- item",
      "\\+ plus",
      "12\\. numbered",
      "\\-# subtext",
    ]);
    expect(discordShown(description)).toBe(text);
  });

  it("leaves bare URLs in article text intact so Discord still links them", () => {
    const url = "https://example.com/snake_case/page-1#top";
    const description = embedOf(withBody(englishArticle(), [paragraph(`Details at ${url} today`)])).description!;
    expect(description).toContain(url);
  });

  it("keeps every part within Discord's limits for a 300-character title, 10,000-character Korean body and 100 categories", () => {
    const title = "속보 ".repeat(100);
    const article = {
      ...withBody(koreanOutageArticle(), [paragraph(koreanProse(10_000))]),
      title,
      categories: Array.from({ length: 100 }, (_, i) => `분류${i}`),
    };
    const embed = embedOf(article);
    expectWithinLimits(embed);
    expect(embed.title!.endsWith("…")).toBe(true);
    expect(title.startsWith(embed.title!.slice(0, -1))).toBe(true);
    expect(embed.description!.endsWith("…")).toBe(true);
    expect(koreanProse(10_000).startsWith(embed.description!.slice(0, -1))).toBe(true);
    // The description uses the room the 6000 total leaves, not a small fraction of it.
    expect(embed.description!.length).toBeGreaterThan(3000);
  });

  it("keeps the 6000-character embed total when every part is at its largest", () => {
    const longEvent = "이벤트 설명 ".repeat(40);
    const article: Article = {
      ...withBody(koreanOutageArticle(), [paragraph(koreanProse(10_000))]),
      title: "가".repeat(300),
      source: "출처".repeat(2000),
      categories: Array.from({ length: 100 }, () => "아주 긴 분류 이름 ".repeat(10)),
      timeline: {
        labels: ["시점".repeat(200), "내용"],
        rows: Array.from({ length: 50 }, (_, i) => ({ time: `${i}:00`, event: longEvent })),
      },
    };
    const embed = embedOf(article);
    expectWithinLimits(embed);
    expect(embed.description!.length).toBeGreaterThan(1000);
  });

  it("never puts more than 4096 characters in a description even with escapes everywhere", () => {
    const article = withBody(englishArticle(), [paragraph("*_~`|<".repeat(2000))]);
    const embed = embedOf(article);
    expectWithinLimits(embed);
    const shown = discordShown(embed.description!);
    expect(shown.endsWith("…")).toBe(true);
    expect("*_~`|<".repeat(2000).startsWith(shown.slice(0, -1))).toBe(true);
  });
});

/**
 * The pure formatters for developing stories: the "updated" marker near the title, the retracted
 * form (struck-through title, notice, nothing else), and the thread update within each platform's limit.
 */
import { describe, expect, it } from "vitest";
import { formatDiscord, formatDiscordUpdate } from "../adapters/discord/format.ts";
import { formatSlack, formatSlackUpdate } from "../adapters/slack/format.ts";
import { formatTelegram, formatTelegramUpdate } from "../adapters/telegram/format.ts";
import { visibleLength } from "../adapters/telegram/markup.ts";
import { buildMessage } from "../src/message/build.ts";
import { KEPT_CARD, NO_CARD, uploadedCard } from "../src/message/card-placement.ts";
import type { StoryUpdate } from "../src/message/types.ts";
import { koreanOutageArticle, timelineCard } from "./fixtures/format/articles.ts";

const message = () => buildMessage(koreanOutageArticle(), { card: timelineCard });
const retracted = () => ({ ...message(), retraction: { notice: "기사가 철회되었습니다" } });
const rows = (count: number, event = "복구 작업 진행 👩‍👩‍👧") =>
  Array.from({ length: count }, (_, i) => ({ time: `13:${String(i % 60).padStart(2, "0")}`, event }));
const update = (overrides: Partial<StoryUpdate> = {}): StoryUpdate => ({
  articleId: "a",
  language: "ko",
  heading: "13:40 업데이트",
  rows: rows(1),
  summary: null,
  url: null,
  ...overrides,
});

/** No lone surrogate and no joiner left dangling before the ellipsis: nothing split mid-character. */
const wholeCharacters = (text: string) =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u200d…/.test(text);

describe("updated marker", () => {
  it("is shown near the title on every platform", () => {
    const updated = { ...message(), updatedLabel: "13:40 업데이트" };
    expect(formatDiscord(updated, NO_CARD).embeds?.[0]?.author?.name).toBe("13:40 업데이트");
    const slack = formatSlack(updated, NO_CARD);
    expect(slack.blocks[1]).toMatchObject({
      type: "context",
      elements: [{ text: expect.stringMatching(/^13:40 업데이트 · /) }],
    });
    const [call] = formatTelegram(updated, -100, NO_CARD);
    expect(call?.method === "sendMessage" && call.params.text.split("\n")[1]).toBe("<i>13:40 업데이트</i>");
  });
});

describe("retraction", () => {
  it("Discord: struck-through title, the notice, no fields, image or attachments", () => {
    const body = formatDiscord(retracted(), uploadedCard(timelineCard));
    expect(body.embeds?.[0]).toMatchObject({
      title: expect.stringMatching(/^~~.*~~$/),
      description: "기사가 철회되었습니다",
    });
    expect(body.embeds?.[0]?.fields).toBeUndefined();
    expect(body.embeds?.[0]?.image).toBeUndefined();
    expect(body.attachments).toEqual([]);
  });

  it("Slack: struck-through title and notice, no image or button", () => {
    const { blocks } = formatSlack(retracted(), { kind: "hosted", ref: "F0123456789" });
    expect(blocks.map((b) => b.type)).toEqual(["section", "section"]);
  });

  it("Telegram: one text message, or the kept photo's caption, with no button", () => {
    const [text] = formatTelegram(retracted(), -100, NO_CARD);
    expect(text?.method).toBe("sendMessage");
    expect(text?.params).not.toHaveProperty("reply_markup");
    const kept = formatTelegram(retracted(), -100, KEPT_CARD);
    expect(kept.map((c) => c.method)).toEqual(["editMessageCaption"]);
  });
});

describe("thread update", () => {
  it("lists each new row as time — event, or the summary when no row was added", () => {
    expect(formatDiscordUpdate(update()).content).toBe("**13:40 업데이트**\n13:00 — 복구 작업 진행 👩‍👩‍👧");
    expect(formatSlackUpdate(update({ rows: [], summary: "제목 변경" })).text).toBe("*13:40 업데이트*\n제목 변경");
    expect(formatTelegramUpdate(update(), -100).text).toBe("<b>13:40 업데이트</b>\n13:00 — 복구 작업 진행 👩‍👩‍👧");
  });

  it("fits hundreds of rows into each platform's limit without splitting a character", () => {
    const many = update({ rows: rows(500) });
    const discord = formatDiscordUpdate(many).content ?? "";
    const slack = formatSlackUpdate(many).blocks[0];
    const telegram = formatTelegramUpdate(many, -100).text;
    expect(discord.length).toBeLessThanOrEqual(2000);
    expect(slack?.type === "section" && (slack.text?.text.length ?? 0) <= 3000).toBe(true);
    // Telegram counts what members see, tags excluded.
    expect(visibleLength(telegram)).toBeLessThanOrEqual(4096);
    for (const text of [discord, telegram]) {
      expect(text.endsWith("…")).toBe(true);
      expect(wholeCharacters(text)).toBe(true);
    }
  });
});

describe("thread update link", () => {
  it("ends with the article link, and leaves out a link so long it would crowd out the rows", () => {
    const url = "https://news.example.kr/outage";
    expect(formatDiscordUpdate(update({ url })).content?.endsWith(`\n<${url}>`)).toBe(true);
    expect(formatSlackUpdate(update({ url })).text.endsWith(`\n<${url}>`)).toBe(true);
    expect(formatTelegramUpdate(update({ url }), -100).text.endsWith(`\n${url}`)).toBe(true);
    const huge = `${url}?q=${"x".repeat(3000)}`;
    const discord = formatDiscordUpdate(update({ url: huge })).content ?? "";
    expect(discord).toContain("13:00 — 복구 작업 진행");
    expect(discord).not.toContain("?q=");
  });
});

import { describe, expect, it } from "vitest";
import { formatTelegram, type TelegramCall } from "../adapters/telegram/format.ts";
import type { Article, Block, Inline } from "../src/article/types.ts";
import { buildMessage } from "../src/message/build.ts";
import { uploadedCard } from "../src/message/card-placement.ts";
import {
  englishArticle,
  HOSTILE_TEXT,
  koreanOutageArticle,
  koreanProse,
  timelineCard,
  withBody,
} from "./fixtures/format/articles.ts";
import { parseTelegramHtml, telegramHrefs } from "./fixtures/format/inspect.ts";
import { paragraph } from "./helpers/blocks.ts";

function callsOf(article: Article, opts: Parameters<typeof buildMessage>[1] = { detail: "full" }): TelegramCall[] {
  const message = buildMessage(article, opts);
  return formatTelegram(message, -100123, uploadedCard(message.card));
}

/** The HTML of a call: caption for photos, text for messages. */
const htmlOf = (call: TelegramCall) =>
  call.method === "sendMessage"
    ? call.params.text
    : call.method === "editMessageMedia"
      ? call.params.media.caption
      : call.params.caption;

/** Parses and checks what Telegram would: only allowed tags, balanced, no stray < or &. */
function shown(html: string): string {
  const parsed = parseTelegramHtml(html);
  expect(parsed.errors).toEqual([]);
  return parsed.text;
}

describe("formatTelegram", () => {
  it("sends one HTML message with the title, the text and a Read more button when there is no card", () => {
    const article = englishArticle();
    const calls = callsOf(article);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    if (call?.method !== "sendMessage") throw new Error(`expected sendMessage, got ${call?.method}`);
    expect(call.params.chat_id).toBe(-100123);
    expect(call.params.parse_mode).toBe("HTML");
    expect(call.params.text.startsWith(`<b>${article.title}</b>\n`)).toBe(true);
    const text = shown(call.params.text);
    expect(text).toContain("status.example.com · September 2, 2024 at 2:30 PM UTC · Incident, API");
    expect(call.params.reply_markup).toEqual({ inline_keyboard: [[{ text: "Read more", url: article.url }]] });
    expect(call.params.link_preview_options).toEqual({ is_disabled: true });
  });

  it("shows the lead image as a large link preview when there is no card", () => {
    const article = koreanOutageArticle();
    const [call] = callsOf(article);
    if (call?.method !== "sendMessage") throw new Error("expected sendMessage");
    expect(call.params.link_preview_options).toMatchObject({ url: article.image, prefer_large_media: true });
    // And the timeline, which no card shows, is listed in the text.
    const text = shown(call.params.text);
    for (const row of article.timeline!.rows) expect(text).toContain(`• ${row.time} — ${row.event}`);
  });

  it("sends the card as a photo with the whole message as caption when it fits", () => {
    const article = koreanOutageArticle();
    const calls = callsOf(article, { card: timelineCard });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    if (call?.method !== "sendPhoto") throw new Error("expected sendPhoto");
    expect(call.params.photo).toBe(`attach://${timelineCard.filename}`);
    expect(call.params.parse_mode).toBe("HTML");
    const caption = shown(call.params.caption);
    expect(caption.length).toBeLessThanOrEqual(1024);
    expect(caption).toContain(article.title);
    expect(caption).toContain("2024년 7월 11일 오후 2:00");
    expect(caption).toContain(article.excerpt);
    expect(call.params.reply_markup).toEqual({ inline_keyboard: [[{ text: "자세히 보기", url: article.url }]] });
  });

  it("splits into a photo with the title and a message with the text when the text is longer than a caption", () => {
    const prose = koreanProse(10_000);
    const article = withBody(koreanOutageArticle(), [paragraph(prose)]);
    const calls = callsOf(article, { detail: "full", card: timelineCard });
    expect(calls.map((c) => c.method)).toEqual(["sendPhoto", "sendMessage"]);
    const [photo, message] = calls;
    if (photo?.method !== "sendPhoto" || message?.method !== "sendMessage") throw new Error("unexpected calls");

    const caption = shown(photo.params.caption);
    expect(caption.length).toBeLessThanOrEqual(1024);
    expect(caption.startsWith(article.title)).toBe(true);
    expect(caption.endsWith("…")).toBe(true);
    expect(caption.length).toBeGreaterThan(900);

    const text = shown(message.params.text);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.length).toBeGreaterThan(3900);
    expect(text.startsWith(article.title)).toBe(true);
    expect(text.endsWith("…")).toBe(true);
    const bodyShown = text.slice(text.indexOf("\n\n") + 2, -1);
    expect(prose.startsWith(bodyShown)).toBe(true);
    expect(message.params.link_preview_options).toEqual({ is_disabled: true });
    expect(message.params.reply_markup?.inline_keyboard[0]?.[0]).toMatchObject({ url: article.url });
  });

  it("truncates a long text without a card to one message of at most 4096 visible characters", () => {
    const calls = callsOf(withBody(koreanOutageArticle(), [paragraph(koreanProse(10_000))]));
    expect(calls).toHaveLength(1);
    const text = shown(htmlOf(calls[0]!));
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.endsWith("…")).toBe(true);
  });

  it("escapes &, < and > so article text cannot add tags", () => {
    const html = htmlOf(callsOf(withBody(englishArticle(), [paragraph(HOSTILE_TEXT)]))[0]!);
    const parsed = parseTelegramHtml(html);
    expect(parsed.errors).toEqual([]);
    expect(parsed.tags).not.toContain("script");
    expect(parsed.text).toContain(HOSTILE_TEXT);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("AT&amp;T");
  });

  it("renders emphasis, headings, lists, code and links with allowed tags only", () => {
    const html = htmlOf(callsOf(englishArticle())[0]!);
    expect(html).toContain("<b>elevated latency</b>");
    expect(html).toContain("<i>timeouts</i>");
    expect(html).toContain("<s>database</s>");
    expect(html).toContain("<code>cache-07</code>");
    expect(html).toContain('<a href="https://status.example.com/postmortem">postmortem</a>');

    const korean = htmlOf(callsOf(koreanOutageArticle())[0]!);
    expect(korean).toContain("<b>MS 아웃룩(Azure) 장애, 아시아-태평양 지역에서 발생</b>");
    expect(korean).toContain("• 셰어포인트 온라인\n• 익스체인지 온라인");
    shown(korean);
  });

  it("does not link javascript: URLs and quotes hrefs safely", () => {
    const body: Block[] = [
      {
        type: "paragraph",
        children: [
          { type: "link", url: "javascript:alert(1)", children: [{ type: "text", value: "bad" }] },
          { type: "text", value: " " },
          { type: "link", url: 'https://example.com/a?q="x"&y=<z>', children: [{ type: "text", value: "good" }] },
        ],
      },
    ];
    const html = htmlOf(callsOf({ ...withBody(englishArticle(), body), url: null })[0]!);
    expect(html).not.toContain("javascript:");
    const hrefs = telegramHrefs(html);
    expect(hrefs).toHaveLength(1);
    expect(new URL(hrefs[0]!).searchParams.get("q")).toBe('"x"');
    expect(new URL(hrefs[0]!).searchParams.get("y")).toBe("<z>");
    expect(shown(html)).toContain("bad good");
  });

  it("keeps tags balanced wherever a long formatted text is cut", () => {
    const rich: Inline[] = [
      { type: "text", value: "장애 & 복구 <공지> " },
      {
        type: "strong",
        children: [
          { type: "text", value: "굵게 " },
          { type: "emphasis", children: [{ type: "text", value: "기울임 👨‍👩‍👧‍👦 " }] },
        ],
      },
      {
        type: "link",
        url: "https://example.com/?a=1&b=2",
        children: [{ type: "strike", children: [{ type: "text", value: "취소선 링크 🇰🇷" }] }],
      },
      { type: "code", value: "x < y && z" },
      { type: "break" },
    ];
    const blocks: Block[] = Array.from({ length: 80 }, () => ({ type: "paragraph", children: rich }));
    for (const card of [null, timelineCard]) {
      const calls = callsOf(withBody(koreanOutageArticle(), blocks), { detail: "full", card });
      for (const call of calls) {
        const text = shown(htmlOf(call));
        expect(text.length).toBeLessThanOrEqual(call.method === "sendPhoto" ? 1024 : 4096);
      }
    }
  });

  it("keeps a 300-character title and 100 categories within the caption", () => {
    const article = {
      ...koreanOutageArticle(),
      title: "속보 ".repeat(100),
      categories: Array.from({ length: 100 }, (_, i) => `분류${i}`),
    };
    const calls = callsOf(article, { card: timelineCard });
    for (const call of calls)
      expect(shown(htmlOf(call)).length).toBeLessThanOrEqual(call.method === "sendPhoto" ? 1024 : 4096);
    expect(shown(htmlOf(calls[0]!))).toContain(article.title.trim());
  });

  it("never makes more than two calls and has no button without a URL", () => {
    const article = { ...withBody(koreanOutageArticle(), [paragraph(koreanProse(50_000))]), url: null };
    for (const card of [null, timelineCard]) {
      const calls = callsOf(article, { detail: "full", card });
      expect(calls.length).toBeLessThanOrEqual(2);
      for (const call of calls) expect(call.params.reply_markup).toBeUndefined();
    }
  });
});

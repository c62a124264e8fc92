/**
 * Each formatter lays a message out from where its card is (CardPlacement),
 * and only from that: a message that has a card ref but is sent without the
 * PNG shows no card, and each placement a platform supports gives the payload
 * a member would see.
 */
import type { ImageBlock, KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { formatDiscord } from "../adapters/discord/format.ts";
import { formatSlack } from "../adapters/slack/format.ts";
import { formatTelegram } from "../adapters/telegram/format.ts";
import { buildMessage } from "../src/message/build.ts";
import { hostedCard, KEPT_CARD, linkedCard, NO_CARD, uploadedCard } from "../src/message/card-placement.ts";
import { koreanOutageArticle, koreanProse, timelineCard, withBody } from "./fixtures/format/articles.ts";
import { paragraph } from "./helpers/blocks.ts";

const CHAT = -100123;
const article = koreanOutageArticle();
const message = buildMessage(article, { card: timelineCard });
const longMessage = buildMessage(withBody(koreanOutageArticle(), [paragraph(koreanProse(10_000))]), {
  detail: "full",
  card: timelineCard,
});
const firstEvent = article.timeline!.rows[0]!.event;

const images = (blocks: KnownBlock[]) => blocks.filter((b): b is ImageBlock => b.type === "image");

describe("formatDiscord by card placement", () => {
  it("upload: the embed shows attachment://<filename> and lists that attachment", () => {
    const body = formatDiscord(message, uploadedCard({ filename: "fresh.png" }));
    expect(body.embeds?.[0]?.image).toEqual({ url: "attachment://fresh.png" });
    expect(body.attachments).toEqual([expect.objectContaining({ id: 0, filename: "fresh.png" })]);
    expect(JSON.stringify(body.embeds?.[0]?.fields ?? [])).not.toContain(firstEvent);
  });

  it("none: a message whose card was never rendered shows the lead image and the timeline as a field, with no attachment", () => {
    const body = formatDiscord(message, NO_CARD);
    expect(body.attachments).toBeUndefined();
    expect(body.embeds?.[0]?.image).toEqual({ url: article.image });
    expect(JSON.stringify(body.embeds?.[0]?.fields)).toContain(firstEvent);
  });
});

describe("formatTelegram by card placement", () => {
  it("upload: one sendPhoto naming the uploaded file, caption and button on it", () => {
    const [call, ...rest] = formatTelegram(message, CHAT, uploadedCard({ filename: "fresh.png" }));
    expect(rest).toEqual([]);
    if (call?.method !== "sendPhoto") throw new Error(`expected sendPhoto, got ${call?.method}`);
    expect(call.params.photo).toBe("attach://fresh.png");
    expect(call.params.reply_markup).toEqual({ inline_keyboard: [[{ text: "자세히 보기", url: article.url }]] });
  });

  it("kept (an edit): the same caption and button as the photo post, as a caption edit that uploads nothing", () => {
    const [posted] = formatTelegram(message, CHAT, uploadedCard(timelineCard));
    const [edit, ...rest] = formatTelegram(message, CHAT, KEPT_CARD);
    expect(rest).toEqual([]);
    if (edit?.method !== "editMessageCaption" || posted?.method !== "sendPhoto")
      throw new Error(`expected a caption edit, got ${edit?.method}`);
    expect(edit.params).not.toHaveProperty("photo");
    expect(edit.params).toEqual({
      chat_id: CHAT,
      parse_mode: "HTML",
      caption: posted.params.caption,
      reply_markup: posted.params.reply_markup,
    });
  });

  it("kept with text longer than a caption: a caption edit without the button, then the follow-up text with it", () => {
    const calls = formatTelegram(longMessage, CHAT, KEPT_CARD);
    expect(calls.map((c) => c.method)).toEqual(["editMessageCaption", "sendMessage"]);
    const [edit, followUp] = calls;
    if (edit?.method !== "editMessageCaption" || followUp?.method !== "sendMessage")
      throw new Error("unexpected calls");
    expect(edit.params.reply_markup).toBeUndefined();
    expect(followUp.params.reply_markup).toBeDefined();
    expect(followUp.params.text.length).toBeGreaterThan(edit.params.caption.length);
  });

  it("none: one text message with the timeline listed, even when the message has a card ref", () => {
    const calls = formatTelegram(message, CHAT, NO_CARD);
    expect(calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expect(JSON.stringify(calls)).toContain(firstEvent);
    expect(JSON.stringify(calls)).not.toContain("attach://");
  });
});

describe("formatSlack by card placement", () => {
  it("hosted: an image block showing Slack's file, in the card's place, with the timeline as alt text", () => {
    const slack = formatSlack(message, hostedCard("F0123CARD"));
    const [image, ...others] = images(slack.blocks);
    expect(others).toEqual([]);
    expect(image).toEqual({
      type: "image",
      slack_file: { id: "F0123CARD" },
      alt_text: expect.stringContaining(firstEvent),
    });
    expect(JSON.stringify(slack.blocks.filter((b) => b.type === "section"))).not.toContain(firstEvent);
  });

  it("hosted and linked lay the message out the same way; only the image's source differs", () => {
    const hosted = formatSlack(message, hostedCard("F0123CARD"));
    const linked = formatSlack(message, linkedCard(timelineCard));
    expect(images(linked.blocks)).toEqual([
      { type: "image", image_url: timelineCard.url, alt_text: images(hosted.blocks)[0]?.alt_text },
    ]);
    const withoutImages = (blocks: KnownBlock[]) => blocks.filter((b) => b.type !== "image");
    expect(withoutImages(linked.blocks)).toEqual(withoutImages(hosted.blocks));
    expect(linked.text).toBe(hosted.text);
  });

  it("linked to a URL Slack would refuse: no image, the timeline as text", () => {
    const slack = formatSlack(message, { kind: "linked", url: "javascript:alert(1)" });
    expect(images(slack.blocks)).toEqual([]);
    expect(JSON.stringify(slack.blocks)).toContain(firstEvent);
  });

  it("none: no image block and the timeline as text, even when the message has a card ref", () => {
    const slack = formatSlack(message, NO_CARD);
    expect(images(slack.blocks)).toEqual([]);
    expect(JSON.stringify(slack.blocks)).toContain(firstEvent);
    expect(linkedCard({ ...timelineCard, url: null })).toEqual(NO_CARD);
  });
});

/**
 * Developing stories on Telegram, against the strict fake: silent sends (disable_notification), the
 * configured mention in front (article text escaped), updates as replies to the post (in the same forum
 * topic), and retractions of text and photo posts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramAdapter } from "../adapters/telegram/index.ts";
import type { CardFile, ChatAdapter } from "../src/adapter.ts";
import { NotFoundError } from "../src/errors.ts";
import { buildMessage } from "../src/message/build.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import { koreanOutageArticle, timelineCard } from "./fixtures/format/articles.ts";
import { cardPng } from "./helpers/cards.ts";
import { storyUpdate } from "./helpers/story.ts";

const GROUP = "-1001234567890";
const KEY = { idempotencyKey: "telegram-story" };

const text = () => buildMessage(koreanOutageArticle());
const withCard = () => buildMessage(koreanOutageArticle(), { card: timelineCard });
const card = (): CardFile => ({ filename: timelineCard.filename, png: cardPng() });

const update = (event: string) => storyUpdate(event, { url: "https://news.example.kr/outage?a=1&b=2" });

describe("Telegram story mode", () => {
  let telegram: TelegramFake;
  let adapter: ChatAdapter;
  beforeEach(async () => {
    telegram = await TelegramFake.start();
    adapter = createTelegramAdapter({ token: telegram.token, apiUrl: telegram.apiRoot, registerCommands: false });
  });
  afterEach(async () => {
    await adapter.stop();
    await telegram.close();
  });

  it("sends a silent post with disable_notification and no mention; a loud one starts with the mention", async () => {
    const poster = adapter.poster(GROUP);
    await poster.post(text(), null, { ...KEY, notify: { mention: "@oncall_team", silent: true } });
    await poster.post(text(), null, { ...KEY, notify: { mention: "@oncall_team" } });
    const [silent, loud] = telegram.sent;
    expect(silent?.disableNotification).toBe(true);
    expect(silent?.visibleText).not.toContain("@oncall_team");
    expect(loud?.disableNotification).toBeUndefined();
    expect(loud?.visibleText?.startsWith("@oncall_team\n")).toBe(true);
  });

  it("replies to the post's first message with the new row, escaped, and can be silent", async () => {
    const poster = adapter.poster(GROUP);
    const posted = await poster.post(withCard(), card(), KEY);
    const hostile = update("<b>복구</b> & @everyone");
    await poster.reply?.(posted.id as string, hostile, { ...KEY, notify: { silent: true } });
    const reply = telegram.sent.at(-1);
    expect(reply?.replyTo).toBe(Number(posted.id?.split(",")[0]));
    expect(reply?.disableNotification).toBe(true);
    expect(reply?.visibleText).toBe(
      "13:40 업데이트\n13:40 — <b>복구</b> & @everyone\nhttps://news.example.kr/outage?a=1&b=2",
    );
    expect(reply?.entities?.map((e) => e.type)).toEqual(["bold"]);
  });

  it("posts and replies in the destination's forum topic", async () => {
    telegram.addForumTopic(GROUP, 42);
    const poster = adapter.poster(`${GROUP}/42`);
    const posted = await poster.post(text(), null, KEY);
    await poster.reply?.(posted.id as string, update("복구"), KEY);
    expect(telegram.sent.map((s) => [s.method, s.chatId, s.threadId])).toEqual([
      ["sendMessage", GROUP, 42],
      ["sendMessage", GROUP, 42],
    ]);
  });

  it("is refused by the fake in a topic the chat does not have", async () => {
    const sent = adapter.poster(`${GROUP}/7`).post(text(), null, KEY);
    await expect(sent).rejects.toThrow(/message thread not found/);
  });

  it("refuses a reply to a post that is gone (NotFoundError), instead of sending it unattached", async () => {
    const poster = adapter.poster(GROUP);
    const posted = await poster.post(text(), null, KEY);
    await poster.delete?.(posted.id as string);
    await expect(poster.reply?.(posted.id as string, update("복구"), KEY)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("retracts a text post to its struck-through title and notice, without the button", async () => {
    const poster = adapter.poster(GROUP);
    const posted = await poster.post(text(), null, KEY);
    await poster.edit?.(posted.id as string, { ...text(), retraction: { notice: "기사가 철회되었습니다" } }, null);
    const [shown] = telegram.messagesIn(GROUP);
    expect(shown?.visibleText).toBe(`${text().title}\n\n기사가 철회되었습니다`);
    expect(shown?.entities.map((e) => e.type)).toEqual(["strikethrough", "italic"]);
    expect(shown?.replyMarkup).toBeUndefined();
  });

  it("retracts a photo post by swapping the card for a plain grey photo under the retracted caption", async () => {
    const poster = adapter.poster(GROUP);
    const posted = await poster.post(withCard(), card(), KEY);
    await poster.edit?.(posted.id as string, { ...withCard(), retraction: { notice: "기사가 철회되었습니다" } }, null);
    const [shown] = telegram.messagesIn(GROUP);
    // Telegram cannot turn a photo message into text: the message stays a photo, but not the timeline's.
    expect(shown?.kind).toBe("photo");
    expect(shown?.visibleText.endsWith("기사가 철회되었습니다")).toBe(true);
    expect(telegram.sent.map((s) => s.method)).toEqual(["sendPhoto", "editMessageMedia"]);
    const [sent, swapped] = telegram.sent;
    expect(swapped?.photo?.bytes).toBeDefined();
    expect(Buffer.compare(swapped?.photo?.bytes ?? Buffer.alloc(0), sent?.photo?.bytes ?? Buffer.alloc(0))).not.toBe(0);
    expect([swapped?.photo?.width, swapped?.photo?.height]).toEqual([640, 160]);
  });
});

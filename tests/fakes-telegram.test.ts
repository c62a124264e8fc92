/**
 * The Telegram fake, driven by the real grammY client: it must parse HTML and enforce limits as
 * the Bot API does, long-poll updates, and answer 429s the way grammY's auto-retry expects.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, GrammyError, InputFile } from "grammy";
import { PNG } from "pngjs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callbackQueryUpdate, TelegramFake, textMessageUpdate } from "./fakes/telegram/server.ts";

const PRIVATE_CHAT = 4242;
const CHANNEL = -1001234567890;

/** A small real PNG of the given size, like the timeline card Herald uploads. */
function png(width = 24, height = 12): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < image.data.length; i += 4) {
    image.data[i] = 0x20;
    image.data[i + 1] = 0x60;
    image.data[i + 2] = 0xc0;
    image.data[i + 3] = 0xff;
  }
  return PNG.sync.write(image);
}

function botFor(fake: TelegramFake, token = fake.token): Bot {
  return new Bot(token, { client: { apiRoot: fake.apiRoot } });
}

/** The GrammyError a call is refused with. */
async function refusal(call: Promise<unknown>): Promise<GrammyError> {
  const error = await call.then(
    () => {
      throw new Error("expected the call to be refused");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

describe("TelegramFake through grammY", () => {
  let telegram: TelegramFake;
  let bot: Bot;

  beforeEach(async () => {
    telegram = await TelegramFake.start();
    bot = botFor(telegram);
  });
  afterEach(async () => {
    await telegram.close();
  });

  it("accepts HTML with Korean text and entities, recording what the user will see", async () => {
    const message = await bot.api.sendMessage(PRIVATE_CHAT, "<b>안녕</b> &amp; hi", { parse_mode: "HTML" });

    expect(message.text).toBe("안녕 & hi");
    expect(message.entities).toEqual([{ type: "bold", offset: 0, length: 2 }]);
    expect(telegram.sent).toEqual([
      expect.objectContaining({
        method: "sendMessage",
        chatId: String(PRIVATE_CHAT),
        messageId: message.message_id,
        text: "<b>안녕</b> &amp; hi",
        visibleText: "안녕 & hi",
        parseMode: "HTML",
      }),
    ]);
  });

  it("refuses an unsupported tag with Telegram's description naming it and its byte offset", async () => {
    const error = await refusal(bot.api.sendMessage(PRIVATE_CHAT, "속보 <div>x</div>", { parse_mode: "HTML" }));
    expect(error.error_code).toBe(400);
    // "속보 " is 7 bytes of UTF-8: offsets are bytes, as in the Bot API.
    expect(error.description).toBe('Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 7');
    expect(telegram.sent).toHaveLength(0);
  });

  it("refuses unclosed and mismatched tags, a bare <, and an unescaped &", async () => {
    const cases: Array<[string, string]> = [
      ["<b>bold", 'Can\'t find end tag corresponding to start tag "b"'],
      ["<b>bold</i>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'],
      ["1 < 2", 'Unsupported start tag "" at byte offset 2'],
      ["R&D", 'Character "&" at byte offset 1 must be escaped as &amp;'],
    ];
    for (const [text, expected] of cases) {
      const error = await refusal(bot.api.sendMessage(PRIVATE_CHAT, text, { parse_mode: "HTML" }));
      expect(error.description).toContain(`can't parse entities: ${expected}`);
    }
    expect(telegram.sent).toHaveLength(0);
  });

  it("decodes only &lt; &gt; &amp; &quot; and numeric entities", async () => {
    const message = await bot.api.sendMessage(PRIVATE_CHAT, "&lt;tag&gt; &quot;q&quot; &#54620; &#x1F4F0;", {
      parse_mode: "HTML",
    });
    expect(message.text).toBe('<tag> "q" 한 📰');
    const error = await refusal(bot.api.sendMessage(PRIVATE_CHAT, "a&nbsp;b", { parse_mode: "HTML" }));
    expect(error.description).toContain("can't parse entities");
  });

  it("counts the 4096-character limit on visible text in UTF-16 units, not on the markup", async () => {
    await bot.api.sendMessage(PRIVATE_CHAT, `<b>${"가".repeat(2048)}</b><i>${"a".repeat(2048)}</i>`, {
      parse_mode: "HTML",
    });
    expect(telegram.sent[0]?.visibleText).toHaveLength(4096);

    const tooLong = await refusal(bot.api.sendMessage(PRIVATE_CHAT, "가".repeat(4097)));
    expect(tooLong.description).toBe("Bad Request: message is too long");
    // 2049 emoji are 4098 UTF-16 units: too long for Telegram although only 2049 characters.
    const emoji = await refusal(bot.api.sendMessage(PRIVATE_CHAT, "📰".repeat(2049)));
    expect(emoji.description).toBe("Bad Request: message is too long");
    expect(telegram.sent).toHaveLength(1);
  });

  it("refuses empty text, including text that is only tags", async () => {
    expect((await refusal(bot.api.sendMessage(PRIVATE_CHAT, ""))).description).toBe(
      "Bad Request: message text is empty",
    );
    expect((await refusal(bot.api.sendMessage(PRIVATE_CHAT, "<b> </b>", { parse_mode: "HTML" }))).description).toBe(
      "Bad Request: message text is empty",
    );
  });

  it("uploads a PNG with an HTML caption and an inline keyboard, keeping the exact bytes", async () => {
    const bytes = png();
    const replyMarkup = { inline_keyboard: [[{ text: "기사 보기", url: "https://news.example/outage" }]] };
    const message = await bot.api.sendPhoto(CHANNEL, new InputFile(bytes, "timeline.png"), {
      caption: "<b>타임라인</b> 14:05–16:40",
      parse_mode: "HTML",
      reply_markup: replyMarkup,
    });

    expect(message.photo?.[0]).toMatchObject({ width: 24, height: 12, file_size: bytes.length });
    expect(message.caption).toBe("타임라인 14:05–16:40");
    const [sent] = telegram.sent;
    expect(sent).toMatchObject({ method: "sendPhoto", chatId: String(CHANNEL), parseMode: "HTML", replyMarkup });
    expect(sent?.photo?.filename).toBe("timeline.png");
    expect(sent?.photo?.bytes.equals(bytes)).toBe(true);
  });

  it("re-sends a stored photo by file_id and refuses an unknown file_id", async () => {
    const first = await bot.api.sendPhoto(CHANNEL, new InputFile(png(), "timeline.png"));
    const fileId = first.photo?.[0]?.file_id ?? "";
    await bot.api.sendPhoto(PRIVATE_CHAT, fileId);
    expect(telegram.sent[1]).toMatchObject({ method: "sendPhoto", photoRef: fileId });
    const error = await refusal(bot.api.sendPhoto(PRIVATE_CHAT, "not-a-file-id"));
    expect(error.description).toBe("Bad Request: wrong file identifier/HTTP URL specified");
  });

  it("refuses a caption over 1024 visible characters and accepts 1024", async () => {
    const error = await refusal(
      bot.api.sendPhoto(CHANNEL, new InputFile(png(), "timeline.png"), { caption: "가".repeat(1025) }),
    );
    expect(error.description).toBe("Bad Request: message caption is too long");
    await bot.api.sendPhoto(CHANNEL, new InputFile(png(), "timeline.png"), {
      caption: `<i>${"가".repeat(1024)}</i>`,
      parse_mode: "HTML",
    });
    expect(telegram.sent).toHaveLength(1);
  });

  it("refuses photos Telegram cannot take: not an image, or a strip more than 20 times longer than wide", async () => {
    const notImage = await refusal(bot.api.sendPhoto(CHANNEL, new InputFile(Buffer.from("<svg/>"), "timeline.png")));
    expect(notImage.description).toBe("Bad Request: IMAGE_PROCESS_FAILED");
    const strip = await refusal(bot.api.sendPhoto(CHANNEL, new InputFile(png(10, 210), "timeline.png")));
    expect(strip.description).toBe("Bad Request: PHOTO_INVALID_DIMENSIONS");
    expect(telegram.sent).toHaveLength(0);
  });

  it("refuses inline keyboards Telegram refuses", async () => {
    const send = (button: Record<string, unknown>) =>
      // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed buttons
      refusal(bot.api.sendMessage(PRIVATE_CHAT, "x", { reply_markup: { inline_keyboard: [[button as any]] } }));
    expect((await send({ text: "b", callback_data: "x".repeat(65) })).description).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
    expect((await send({ text: "b", url: "javascript:alert(1)" })).description).toContain("Unsupported URL protocol");
    expect((await send({ text: "only text" })).description).toContain("Text buttons are unallowed");
    expect((await send({ url: "https://x.example" })).description).toContain('Field "text" must be of type String');
  });

  it("edits and deletes messages like Telegram, refusing no-op edits and unknown messages", async () => {
    const message = await bot.api.sendMessage(PRIVATE_CHAT, "초안");
    await bot.api.editMessageText(PRIVATE_CHAT, message.message_id, "<b>최종</b>", { parse_mode: "HTML" });
    expect(telegram.messagesIn(PRIVATE_CHAT)[0]?.visibleText).toBe("최종");
    const noop = await refusal(
      bot.api.editMessageText(PRIVATE_CHAT, message.message_id, "<b>최종</b>", { parse_mode: "HTML" }),
    );
    expect(noop.description).toContain("message is not modified");
    await bot.api.deleteMessage(PRIVATE_CHAT, message.message_id);
    expect(telegram.messagesIn(PRIVATE_CHAT)).toEqual([]);
    const gone = await refusal(bot.api.deleteMessage(PRIVATE_CHAT, message.message_id));
    expect(gone.description).toBe("Bad Request: message to delete not found");
    expect(telegram.sent.map((s) => s.method)).toEqual(["sendMessage", "editMessageText", "deleteMessage"]);
  });

  it("delivers a pushed /news update to a long-polling bot.start(), whose handler replies", async () => {
    bot.command("news", (ctx) => ctx.reply(`<b>최신 속보</b> (${ctx.match})`, { parse_mode: "HTML" }));
    const running = bot.start();
    try {
      telegram.pushUpdate(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/news latest" }));
      const [reply] = await telegram.waitForSent(1);
      expect(reply).toMatchObject({
        method: "sendMessage",
        chatId: String(PRIVATE_CHAT),
        visibleText: "최신 속보 (latest)",
      });
    } finally {
      await bot.stop();
      await running;
    }
  });

  it("holds a long poll until an update arrives, redelivers until confirmed, and drops what the offset confirms", async () => {
    const poll = bot.api.getUpdates({ timeout: 30 });
    await vi.waitFor(() => expect(telegram.isPolling).toBe(true));
    const updateId = telegram.pushUpdate(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "안녕" }));
    const [update] = await poll;
    expect(update?.update_id).toBe(updateId);
    expect(update?.message?.text).toBe("안녕");

    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual([updateId]);
    expect(await bot.api.getUpdates({ offset: updateId + 1, timeout: 0 })).toEqual([]);
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it("ends a held long poll with 409 Conflict when a second poller arrives", async () => {
    const first = refusal(bot.api.getUpdates({ timeout: 30 }));
    await vi.waitFor(() => expect(telegram.isPolling).toBe(true));
    const second = bot.api.getUpdates({ timeout: 0 });
    const error = await first;
    expect(error.error_code).toBe(409);
    expect(error.description).toContain("terminated by other getUpdates request");
    expect(await second).toEqual([]);
    expect(telegram.getUpdatesConflicts).toBe(1);
  });

  it("forgets a long poll whose client hung up: the next poller is no conflict", async () => {
    const hangUp = new AbortController();
    // grammY types the signal with the abort-controller polyfill's class; at run time it takes Node's.
    const signal = hangUp.signal as unknown as Parameters<typeof bot.api.getUpdates>[1];
    const first = bot.api.getUpdates({ timeout: 30 }, signal).catch((error: unknown) => error);
    await vi.waitFor(() => expect(telegram.isPolling).toBe(true));
    hangUp.abort();
    await first;
    await vi.waitFor(() => expect(telegram.isPolling).toBe(false));
    const updateId = telegram.pushUpdate(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/news latest" }));
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual([updateId]);
    expect(telegram.getUpdatesConflicts).toBe(0);
    expect(telegram.calls.filter((c) => c.status === 409)).toEqual([]);
  });

  it("answers a pushed callback query once, and refuses unknown or already answered ones", async () => {
    telegram.pushUpdate(callbackQueryUpdate({ chatId: PRIVATE_CHAT, data: "more:outage", id: "cbq-1" }));
    await bot.api.answerCallbackQuery("cbq-1", { text: "불러오는 중" });
    expect(telegram.callbackAnswers).toEqual([{ callbackQueryId: "cbq-1", text: "불러오는 중", showAlert: false }]);
    const again = await refusal(bot.api.answerCallbackQuery("cbq-1"));
    expect(again.description).toContain("query is too old");
  });

  it("lets grammY's auto-retry wait out a 429 with retry_after 1, so the message arrives once", async () => {
    bot.api.config.use(autoRetry({ maxRetryAttempts: 2 }));
    telegram.failNext(1, 429, { retryAfter: 1 });
    await bot.api.sendMessage(CHANNEL, "재시도 후 도착");

    expect(telegram.sent.map((s) => s.visibleText)).toEqual(["재시도 후 도착"]);
    expect(telegram.calls.map((c) => [c.method, c.status])).toEqual([
      ["sendMessage", 429],
      ["sendMessage", 200],
    ]);
    expect(telegram.rateLimitedCount).toBe(1);
  });

  it("reports a 429 without auto-retry as Telegram does: description and parameters.retry_after", async () => {
    telegram.failNext(1, 429, { retryAfter: 17 });
    const error = await refusal(bot.api.sendMessage(CHANNEL, "x"));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe("Too Many Requests: retry after 17");
    expect(error.parameters.retry_after).toBe(17);
  });

  it("answers getChatMember with the status set for the user, and 'user not found' otherwise", async () => {
    telegram.setChatMember(CHANNEL, 1001, "administrator");
    telegram.setChatMember(CHANNEL, 1002, "left");
    expect((await bot.api.getChatMember(CHANNEL, 1001)).status).toBe("administrator");
    expect((await bot.api.getChatMember(CHANNEL, 1002)).status).toBe("left");
    expect((await refusal(bot.api.getChatMember(CHANNEL, 1003))).description).toBe("Bad Request: user not found");
  });

  it("answers chat errors with Telegram's codes and descriptions", async () => {
    telegram.setChatError(-1009, "chat_not_found");
    telegram.setChatError(-1001000000001, "kicked");
    telegram.setChatError(-1001000000002, "not_admin");
    const notFound = await refusal(bot.api.sendMessage(-1009, "x"));
    expect([notFound.error_code, notFound.description]).toEqual([400, "Bad Request: chat not found"]);
    const kicked = await refusal(bot.api.sendMessage(-1001000000001, "x"));
    expect([kicked.error_code, kicked.description]).toEqual([
      403,
      "Forbidden: bot was kicked from the supergroup chat",
    ]);
    const notAdmin = await refusal(bot.api.sendMessage(-1001000000002, "x"));
    expect([notAdmin.error_code, notAdmin.description]).toEqual([
      400,
      "Bad Request: need administrator rights in the channel chat",
    ]);
  });

  it("answers 401 Unauthorized for a wrong token and 404 Not Found for an unknown method", async () => {
    const wrong = await refusal(botFor(telegram, "7000000001:WRONG").api.getMe());
    expect([wrong.error_code, wrong.description]).toEqual([401, "Unauthorized"]);
    const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendTelepathy`, { method: "POST" });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("stores bot commands and refuses invalid ones", async () => {
    await bot.api.setMyCommands([{ command: "news", description: "최신 속보" }]);
    expect(telegram.myCommands).toEqual([{ command: "news", description: "최신 속보" }]);
    const error = await refusal(bot.api.setMyCommands([{ command: "News-Latest", description: "x" }]));
    expect(error.description).toBe("Bad Request: BOT_COMMAND_INVALID");
  });

  it("refuses getUpdates while a webhook is set", async () => {
    await bot.api.setWebhook("https://herald.example/telegram");
    const error = await refusal(bot.api.getUpdates({ timeout: 0 }));
    expect(error.error_code).toBe(409);
    await bot.api.deleteWebhook();
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  // Story mode: edits and replies refused as Telegram refuses them.
  it("replaces a photo with editMessageMedia uploaded as attach://, recording the new bytes", async () => {
    const sent = await bot.api.sendPhoto(CHANNEL, new InputFile(png(), "a.png"), { caption: "first" });
    const newer = png(30, 15);
    await bot.api.editMessageMedia(CHANNEL, sent.message_id, {
      type: "photo",
      media: new InputFile(newer, "b.png"),
      caption: "second",
    });
    const edit = telegram.sent.at(-1);
    expect(edit?.method).toBe("editMessageMedia");
    expect(edit?.photo?.bytes.equals(newer)).toBe(true);
    expect(telegram.messagesIn(CHANNEL)[0]?.visibleText).toBe("second");
  });

  it("refuses editMessageMedia naming a part the request does not carry; turns a text message into a photo", async () => {
    const photo = await bot.api.sendPhoto(CHANNEL, new InputFile(png(), "a.png"));
    const missing = await refusal(
      bot.api.raw.editMessageMedia({
        chat_id: CHANNEL,
        message_id: photo.message_id,
        media: { type: "photo", media: "attach://card" },
      }),
    );
    expect(missing.description).toMatch(/can't find attached file/);
    const text = await bot.api.sendMessage(CHANNEL, "text");
    await bot.api.editMessageMedia(CHANNEL, text.message_id, { type: "photo", media: new InputFile(png(), "b.png") });
    expect(telegram.messagesIn(CHANNEL).find((m) => m.messageId === text.message_id)?.kind).toBe("photo");
  });

  it("counts edits against a group's 20 messages a minute", async () => {
    const limited = await TelegramFake.start({ rateLimits: true });
    try {
      const api = botFor(limited).api;
      const sent = await api.sendMessage(CHANNEL, "v0");
      for (let i = 1; i < 20; i++) await api.editMessageText(CHANNEL, sent.message_id, `v${i}`);
      const over = await refusal(api.editMessageText(CHANNEL, sent.message_id, "v20"));
      expect(over.error_code).toBe(429);
      expect(limited.messagesIn(CHANNEL)[0]?.visibleText).toBe("v19");
    } finally {
      await limited.close();
    }
  });

  it("refuses an edit of a member's message and a reply to a missing one", async () => {
    const theirs = telegram.postAsMember(CHANNEL, "hello");
    const edit = await refusal(bot.api.editMessageText(CHANNEL, theirs, "changed"));
    expect(edit.description).toMatch(/message can't be edited/);
    const reply = await refusal(bot.api.sendMessage(CHANNEL, "update", { reply_parameters: { message_id: 9999 } }));
    expect(reply.description).toMatch(/message to be replied not found/);
  });
});

describe("TelegramFake rate limits", () => {
  let telegram: TelegramFake;

  beforeEach(async () => {
    telegram = await TelegramFake.start({ rateLimits: true });
  });
  afterEach(async () => {
    await telegram.close();
  });

  /** Sends until the first refusal; returns how many got through and the refusal. */
  async function sendUntilLimited(bot: Bot, chatId: number, max: number): Promise<[number, GrammyError | undefined]> {
    for (let sent = 0; sent < max; sent += 1) {
      try {
        await bot.api.sendMessage(chatId, `message ${sent}`);
      } catch (error) {
        return [sent, error as GrammyError];
      }
    }
    return [max, undefined];
  }

  it("limits a group/channel to 20 messages a minute and counts the 429 against that chat", async () => {
    const bot = botFor(telegram);
    const [delivered, error] = await sendUntilLimited(bot, CHANNEL, 30);
    expect(delivered).toBeGreaterThanOrEqual(20);
    expect(error?.error_code).toBe(429);
    expect(error?.parameters.retry_after).toBeGreaterThanOrEqual(1);
    expect(telegram.rateLimitedByChat.get(String(CHANNEL))).toBe(1);
    // Another chat is not affected by this one's limit.
    await bot.api.sendMessage(PRIVATE_CHAT, "other chat");
  });

  it("limits a private chat to about one message a second after a short burst", async () => {
    const [delivered, error] = await sendUntilLimited(botFor(telegram), PRIVATE_CHAT, 10);
    expect(delivered).toBeGreaterThanOrEqual(3);
    expect(error?.description).toMatch(/^Too Many Requests: retry after \d+$/);
  });
});

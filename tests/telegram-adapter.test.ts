/**
 * The Telegram adapter's posting side (post, edit, delete, error mapping, rate limits) driven
 * through grammY against the strict loopback Bot API fake.
 */
import { GrammyError, HttpError } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toTelegramError } from "../adapters/telegram/errors.ts";
import { createTelegramAdapter, type TelegramAdapterOptions } from "../adapters/telegram/index.ts";
import type { CardFile, ChatAdapter } from "../src/adapter.ts";
import {
  AuthenticationError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ValidationError,
} from "../src/errors.ts";
import { buildMessage } from "../src/message/build.ts";
import type { NewsMessage } from "../src/message/types.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import {
  englishArticle,
  koreanOutageArticle,
  koreanProse,
  timelineCard,
  withBody,
} from "./fixtures/format/articles.ts";
import { failure } from "./helpers/adapter-errors.ts";
import { paragraph } from "./helpers/blocks.ts";
import { cardPng } from "./helpers/cards.ts";
import { recordingLog } from "./helpers/log.ts";

const CHANNEL = "@herald_test";
const SUPERGROUP = "-1001234567890";
const GROUP = "-4001234";
const PRIVATE_CHAT = "4242";

/** The timeline card as a file: a small real PNG. */
const cardFile = (): CardFile => ({ filename: timelineCard.filename, png: cardPng() });

/** The Korean outage article with its card: short enough for one captioned photo. */
const shortWithCard = (): NewsMessage => buildMessage(koreanOutageArticle(), { card: timelineCard });
/** The same with 3000 characters of text: more than a caption holds. */
const longWithCard = (): NewsMessage =>
  buildMessage(withBody(koreanOutageArticle(), [paragraph(koreanProse(3000))]), { detail: "full", card: timelineCard });
const textOnly = (): NewsMessage => buildMessage(englishArticle());

describe("Telegram adapter: posting", () => {
  let telegram: TelegramFake;
  let adapter: ChatAdapter;
  const logged: string[] = [];
  const log = recordingLog((_level, details, message) => logged.push(JSON.stringify(details) + message));
  const adapterFor = (options: Partial<TelegramAdapterOptions> = {}) =>
    createTelegramAdapter({
      token: telegram.token,
      apiUrl: telegram.apiRoot,
      registerCommands: false,
      log,
      ...options,
    });
  const post = (chatId: string, message: NewsMessage, card: CardFile | null, target = adapter) =>
    target.poster(chatId).post(message, card, { idempotencyKey: "delivery-1" });

  beforeEach(async () => {
    telegram = await TelegramFake.start();
    adapter = adapterFor();
    logged.length = 0;
  });
  afterEach(async () => {
    await adapter.stop();
    await telegram.close();
  });

  it("posts the card as a photo to a channel, with the HTML caption and the Read more button", async () => {
    const message = shortWithCard();
    const card = cardFile();
    const posted = await post(CHANNEL, message, card);

    expect(telegram.sent).toHaveLength(1);
    const [photo] = telegram.sent;
    expect(photo).toMatchObject({ method: "sendPhoto", chatId: CHANNEL, parseMode: "HTML" });
    expect(photo?.photo?.bytes.equals(Buffer.from(card.png))).toBe(true);
    expect(photo?.photo?.filename).toBe("timeline.png");
    expect(photo?.visibleText?.startsWith(message.title)).toBe(true);
    expect(photo?.entities?.[0]).toMatchObject({ type: "bold", offset: 0 });
    expect(photo?.replyMarkup).toEqual({ inline_keyboard: [[{ text: "자세히 보기", url: message.url }]] });
    expect(posted.id).toBe(String(photo?.messageId));
  });

  it("sends a photo with the start of a long text and a follow-up message with the rest and the button", async () => {
    const posted = await post(SUPERGROUP, longWithCard(), cardFile());

    expect(telegram.sent.map((s) => s.method)).toEqual(["sendPhoto", "sendMessage"]);
    const [photo, followUp] = telegram.sent;
    expect(photo?.replyMarkup).toBeUndefined();
    expect(followUp?.replyMarkup?.inline_keyboard[0][0].text).toBe("자세히 보기");
    expect(followUp?.visibleText?.length).toBeGreaterThan(photo?.visibleText?.length ?? 0);
    expect(posted.id).toBe(`${photo?.messageId},${followUp?.messageId}`);
  });

  it("sends one text message listing the timeline when no card PNG is given", async () => {
    const message = shortWithCard();
    const posted = await post(PRIVATE_CHAT, message, null);

    expect(telegram.sent.map((s) => s.method)).toEqual(["sendMessage"]);
    const text = telegram.sent[0]?.visibleText ?? "";
    expect(text).toContain(message.title);
    expect(text).toContain("11:47 AM — 애저(Azure) 네트워킹 인프라 내의 최근 변경으로 영향 발생 확인");
    expect(posted.id).toBe(String(telegram.sent[0]?.messageId));
  });

  it("posts to basic groups, supergroups and private chats by numeric id", async () => {
    for (const chat of [GROUP, SUPERGROUP, PRIVATE_CHAT]) await post(chat, textOnly(), null);
    expect(telegram.sent.map((s) => s.chatId)).toEqual([GROUP, SUPERGROUP, PRIVATE_CHAT]);
    expect(telegram.messagesIn(GROUP)[0]?.visibleText).toContain("API latency elevated in eu-west");
  });

  it("refuses a chat id that is neither @channel nor numeric, before calling Telegram", async () => {
    expect(() => adapter.poster("https://t.me/herald")).toThrow(ValidationError);
    const error = await failure(adapter.delete("not a chat", "1"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('"not a chat"');
    expect(telegram.calls).toEqual([]);
  });

  it("replaces the photo and caption of a photo post when the edit brings a new card (editMessageMedia)", async () => {
    const posted = await post(CHANNEL, shortWithCard(), cardFile());
    const changed = { ...shortWithCard(), title: "MS 아웃룩 장애 복구 완료" };
    const newCard: CardFile = { filename: timelineCard.filename, png: cardPng({ shade: 40 }) };
    await adapter.edit(CHANNEL, posted.id!, changed, newCard);

    const [shown] = telegram.messagesIn(CHANNEL);
    expect(shown?.kind).toBe("photo");
    expect(shown?.visibleText.startsWith("MS 아웃룩 장애 복구 완료")).toBe(true);
    expect(shown?.replyMarkup).toEqual({ inline_keyboard: [[{ text: "자세히 보기", url: changed.url }]] });
    expect(telegram.sent.map((s) => s.method)).toEqual(["sendPhoto", "editMessageMedia"]);
    const [first, edited] = telegram.sent;
    expect(edited?.photo?.bytes.equals(Buffer.from(newCard.png))).toBe(true);
    expect(edited?.photo?.bytes.equals(first?.photo?.bytes ?? Buffer.alloc(0))).toBe(false);
  });

  it("edits only the caption of a photo post when the edit has no new card", async () => {
    const posted = await post(CHANNEL, shortWithCard(), cardFile());
    await adapter.edit(CHANNEL, posted.id!, { ...shortWithCard(), title: "MS 아웃룩 장애 복구 완료" }, null);
    expect(telegram.sent.map((s) => s.method)).toEqual(["sendPhoto", "editMessageCaption"]);
  });

  it("edits a text post's text; with a new card whose text fits a caption, the post becomes the photo", async () => {
    const posted = await post(PRIVATE_CHAT, textOnly(), null);
    await adapter.edit(PRIVATE_CHAT, posted.id!, { ...textOnly(), title: "API latency resolved" }, null);
    expect(telegram.messagesIn(PRIVATE_CHAT)[0]?.visibleText.startsWith("API latency resolved")).toBe(true);

    await adapter.edit(PRIVATE_CHAT, posted.id!, { ...shortWithCard(), title: "Now with a card" }, cardFile());
    expect(telegram.messagesIn(PRIVATE_CHAT)[0]).toMatchObject({ kind: "photo" });
    expect(telegram.messagesIn(PRIVATE_CHAT)[0]?.visibleText.startsWith("Now with a card")).toBe(true);
  });

  it("keeps a long text post as text when the new card comes with more text than a caption holds", async () => {
    const posted = await post(PRIVATE_CHAT, textOnly(), null);
    await adapter.edit(PRIVATE_CHAT, posted.id!, { ...longWithCard(), title: "Long with a card" }, cardFile());
    const [shown] = telegram.messagesIn(PRIVATE_CHAT);
    expect(shown).toMatchObject({ kind: "text" });
    expect(shown?.visibleText.length).toBeGreaterThan(1024);
    expect(telegram.sent.map((s) => s.method)).toEqual(["sendMessage", "editMessageText"]);
  });

  it("edits both messages of a photo + follow-up post, and folds them when the new text fits the caption", async () => {
    const posted = await post(SUPERGROUP, longWithCard(), cardFile());
    await adapter.edit(SUPERGROUP, posted.id!, { ...longWithCard(), title: "장애 보고서 갱신" }, cardFile());
    const [photo, followUp] = telegram.messagesIn(SUPERGROUP);
    expect(photo?.visibleText.startsWith("장애 보고서 갱신")).toBe(true);
    expect(followUp?.visibleText.startsWith("장애 보고서 갱신")).toBe(true);

    await adapter.edit(SUPERGROUP, posted.id!, shortWithCard(), cardFile());
    const remaining = telegram.messagesIn(SUPERGROUP);
    expect(remaining).toHaveLength(1);
    expect(remaining[0]?.visibleText.startsWith(shortWithCard().title)).toBe(true);
    expect(remaining[0]?.replyMarkup).toBeDefined();

    // Editing again with the long text: the follow-up is gone, the photo keeps the button.
    await adapter.edit(SUPERGROUP, posted.id!, longWithCard(), cardFile());
    expect(telegram.messagesIn(SUPERGROUP)[0]?.replyMarkup).toBeDefined();
  });

  it("treats an edit that changes nothing as done", async () => {
    const posted = await post(CHANNEL, shortWithCard(), cardFile());
    await adapter.edit(CHANNEL, posted.id!, shortWithCard(), null);
    expect(telegram.calls.at(-1)).toMatchObject({ method: "editMessageCaption", status: 400 });
    expect(telegram.calls.at(-1)?.description).toContain("message is not modified");
  });

  it("deletes every message of a post, and a second delete is harmless", async () => {
    const posted = await post(SUPERGROUP, longWithCard(), cardFile());
    await adapter.delete(SUPERGROUP, posted.id!);
    expect(telegram.messagesIn(SUPERGROUP)).toEqual([]);
    expect(telegram.sent.filter((s) => s.method === "deleteMessage")).toHaveLength(2);
    await adapter.delete(SUPERGROUP, posted.id!);
  });

  it("refuses a malformed message id", async () => {
    const error = await failure(adapter.edit(CHANNEL, "12,abc", shortWithCard(), null));
    expect(error).toBeInstanceOf(ValidationError);
  });

  it("maps chat errors: missing chat → NotFoundError, kicked or not admin → PermissionError", async () => {
    telegram.setChatError("-1009", "chat_not_found");
    telegram.setChatError("-1001000000001", "kicked");
    telegram.setChatError("@herald_locked", "not_admin");
    telegram.setChatError("5151", "kicked");

    const missing = await failure(post("-1009", textOnly(), null));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toContain("chat not found");
    const kicked = await failure(post("-1001000000001", textOnly(), null));
    expect(kicked).toBeInstanceOf(PermissionError);
    expect(kicked.message).toContain("kicked");
    const notAdmin = await failure(post("@herald_locked", shortWithCard(), cardFile()));
    expect(notAdmin).toBeInstanceOf(PermissionError);
    expect(notAdmin.message).toContain("need administrator rights");
    const blocked = await failure(post("5151", textOnly(), null));
    expect(blocked).toBeInstanceOf(PermissionError);
    for (const error of [missing, kicked, notAdmin, blocked]) expect(error.retryable).toBe(false);
    expect(missing).toMatchObject({
      platform: "telegram",
      method: "sendMessage",
      path: "/bot***/sendMessage",
      platformCode: 400,
      status: 400,
    });
    expect(kicked).toMatchObject({ method: "sendMessage", platformCode: 403, status: 403, retryAfterMs: undefined });
    expect(notAdmin).toMatchObject({ method: "sendPhoto", path: "/bot***/sendPhoto" });
  });

  it("takes the code a description carries (PEER_ID_INVALID) as the platform code, and keeps the token out of the fields", () => {
    const answer = { ok: false as const, error_code: 400, description: "Bad Request: PEER_ID_INVALID" };
    const error = toTelegramError(
      new GrammyError("Call to 'sendMessage' failed!", answer, "sendMessage", {}),
      telegram.token,
      "sendMessage to 5151",
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ method: "sendMessage", platformCode: "PEER_ID_INVALID", status: 400 });
    const network = toTelegramError(
      new HttpError("Network request for 'getMe' failed!", new Error("connect ECONNREFUSED")),
      telegram.token,
      "getMe",
    );
    expect(network).toMatchObject({ method: "getMe", path: "/bot***/getMe", platformCode: undefined });
    expect(JSON.stringify([error, network])).not.toContain(telegram.token.split(":")[1]);
  });

  it("maps a wrong token to AuthenticationError and never puts the token in messages or logs", async () => {
    const wrongToken = "7000000001:AAWrongTokenWrongTokenWrongToken_xyz";
    const wrong = adapterFor({ token: wrongToken });
    const error = await failure(post(CHANNEL, textOnly(), null, wrong));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("TELEGRAM_BOT_TOKEN");
    expect(error.message).not.toContain(wrongToken);
    expect(error.message).not.toContain("AAWrongToken");
  });

  it("maps an unreachable API to NetworkError without the token the request URL carries", async () => {
    const closed = await TelegramFake.start();
    const apiUrl = closed.apiRoot;
    await closed.close();
    const offline = adapterFor({ apiUrl });
    const error = await failure(post(CHANNEL, shortWithCard(), cardFile(), offline));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.retryable).toBe(true);
    const everything = `${error.message} ${String((error.cause as Error | undefined)?.message)} ${error.stack}`;
    expect(everything).toContain("ECONNREFUSED");
    expect(everything).not.toContain(telegram.token.split(":")[1]);
  });

  it("maps 500 and nginx's HTML 502 to retryable NetworkError without retrying in-process", async () => {
    telegram.failNext(1, 500);
    const internal = await failure(post(CHANNEL, textOnly(), null));
    expect(internal).toBeInstanceOf(NetworkError);
    expect(internal.status).toBe(500);

    telegram.failNext(1, 502);
    const gateway = await failure(post(CHANNEL, textOnly(), null));
    expect(gateway).toBeInstanceOf(NetworkError);
    expect(gateway.message).toContain("non-JSON");
    expect(`${gateway.message} ${(gateway.cause as Error).message}`).not.toContain(telegram.token.split(":")[1]);
    expect(telegram.calls.map((c) => c.status)).toEqual([500, 502]);
  });

  it("refuses what Telegram cannot parse as ValidationError", async () => {
    const error = await failure(
      post(CHANNEL, shortWithCard(), { filename: "timeline.png", png: Buffer.from("<svg/>") }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain("IMAGE_PROCESS_FAILED");
  });

  it("removes the photo when its follow-up message fails, so a retry posts the pair once", async () => {
    telegram.failNext(1, 500, { method: "sendMessage" });
    const error = await failure(post(SUPERGROUP, longWithCard(), cardFile()));
    expect(error).toBeInstanceOf(NetworkError);
    expect(telegram.messagesIn(SUPERGROUP)).toEqual([]);

    await post(SUPERGROUP, longWithCard(), cardFile());
    expect(telegram.messagesIn(SUPERGROUP).map((m) => m.kind)).toEqual(["photo", "text"]);
  });

  it("waits out a 429 with retry_after 1 through auto-retry, so the post arrives exactly once", async () => {
    telegram.failNext(1, 429, { retryAfter: 1 });
    const posted = await post(CHANNEL, shortWithCard(), cardFile());
    expect(telegram.calls.map((c) => [c.method, c.status])).toEqual([
      ["sendPhoto", 429],
      ["sendPhoto", 200],
    ]);
    expect(telegram.messagesIn(CHANNEL).map((m) => String(m.messageId))).toEqual([posted.id]);
  });

  it("surfaces a long flood wait (retry_after 120) as RateLimitError at once instead of holding the worker", async () => {
    telegram.failNext(1, 429, { retryAfter: 120 });
    const error = await failure(post(CHANNEL, shortWithCard(), cardFile()));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(120_000);
    expect(error).toMatchObject({ method: "sendPhoto", platformCode: 429, status: 429 });
    expect(telegram.calls.map((c) => c.status)).toEqual([429]);
    expect(telegram.messagesIn(CHANNEL)).toEqual([]);
  });

  it("gives up after the configured number of 429 retries and surfaces RateLimitError", async () => {
    const impatient = adapterFor({ retry: { maxRetryAttempts: 1, maxDelaySeconds: 1 } });
    telegram.failNext(2, 429, { retryAfter: 1 });
    const error = await failure(post(PRIVATE_CHAT, textOnly(), null, impatient));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(telegram.calls.map((c) => c.status)).toEqual([429, 429]);
  });

  it("logs a photo it could not remove after a failed follow-up, without the token", async () => {
    telegram.failNext(1, 502, { method: "sendMessage" });
    telegram.failNext(1, 502, { method: "deleteMessage" });
    await failure(post(SUPERGROUP, longWithCard(), cardFile()));
    expect(logged.some((line) => line.includes("could not remove a partly sent post"))).toBe(true);
    for (const line of logged) expect(line).not.toContain(telegram.token.split(":")[1]);
  });
});

describe("Telegram adapter under Telegram's own rate limits", () => {
  let telegram: TelegramFake;

  beforeEach(async () => {
    telegram = await TelegramFake.start({ rateLimits: true });
  });
  afterEach(async () => {
    await telegram.close();
  });

  it("delivers every post of a quick series to a private chat: auto-retry waits out the short 429s", async () => {
    const adapter = createTelegramAdapter({ token: telegram.token, apiUrl: telegram.apiRoot, registerCommands: false });
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const posted = await adapter.poster(PRIVATE_CHAT).post({ ...textOnly(), title: `Update ${i}` }, null, {
        idempotencyKey: `burst-${i}`,
      });
      ids.push(posted.id!);
    }
    expect(telegram.rateLimitedCount).toBeGreaterThan(0);
    const shown = telegram.messagesIn(PRIVATE_CHAT);
    expect(shown.map((m) => m.visibleText.split("\n")[0])).toEqual([0, 1, 2, 3, 4, 5].map((i) => `Update ${i}`));
    expect(shown.map((m) => String(m.messageId))).toEqual(ids);
  });

  it("loses no post of a 30-post burst to one group: each arrives once or fails with RateLimitError to retry", async () => {
    // No in-process waiting at all: the queue's pacing (telegramChatPace) is what keeps real traffic under the limit.
    const adapter = createTelegramAdapter({
      token: telegram.token,
      apiUrl: telegram.apiRoot,
      registerCommands: false,
      retry: { maxDelaySeconds: 0 },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        adapter.poster(SUPERGROUP).post({ ...textOnly(), title: `Burst ${i}` }, null, { idempotencyKey: `b-${i}` }),
      ),
    );
    const delivered = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(delivered.length).toBeGreaterThanOrEqual(20);
    expect(refused.length).toBeGreaterThan(0);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(RateLimitError);
      expect((reason as RateLimitError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    }
    // Every delivered post is in the chat once; every other one was reported, none vanished.
    const titles = telegram.messagesIn(SUPERGROUP).map((m) => m.visibleText.split("\n")[0]);
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles.length + refused.length).toBe(30);
  });
});

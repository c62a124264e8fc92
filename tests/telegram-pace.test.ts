import { describe, expect, it } from "vitest";
import { createTelegramAdapter } from "../adapters/telegram/index.ts";
import { TELEGRAM_GLOBAL_PER_SECOND, telegramChatPace } from "../adapters/telegram/pace.ts";
import type { TelegramPoster } from "../adapters/telegram/poster.ts";

describe("telegramChatPace", () => {
  it("paces groups and channels at 20 messages a minute", () => {
    for (const chat of ["@herald_news", "-1001234567890", "-4001234"]) {
      expect(telegramChatPace(chat)).toEqual({ minIntervalMs: 3000 });
    }
  });

  it("paces private chats at one message a second", () => {
    expect(telegramChatPace("4242")).toEqual({ minIntervalMs: 1000 });
  });

  it("gives a two-message delivery (photo + follow-up) twice the interval", () => {
    expect(telegramChatPace("@herald_news", 2)).toEqual({ minIntervalMs: 6000 });
    expect(telegramChatPace("4242", 2)).toEqual({ minIntervalMs: 2000 });
  });

  it("uses the stricter group pace for an id it cannot read", () => {
    expect(telegramChatPace("herald")).toEqual({ minIntervalMs: 3000 });
  });

  it("allows 30 messages a second across all chats", () => {
    expect(TELEGRAM_GLOBAL_PER_SECOND).toBe(30);
  });
});

describe("TelegramPoster paces", () => {
  it("gives the delivery queue the chat's pace and the bot's overall pace, keyed by the bot's public id only", () => {
    const token = "7000000001:AAHeraldFakeToken_abcdefghijklmnopqrs";
    const adapter = createTelegramAdapter({ token });
    const poster = adapter.poster("@herald_news") as TelegramPoster;
    expect(poster.paces).toEqual([
      { key: "telegram:7000000001:chat:@herald_news", minIntervalMs: 3000 },
      { key: "telegram:7000000001:all", minIntervalMs: 34 },
    ]);
    expect((adapter.poster("4242") as TelegramPoster).paces[0]?.minIntervalMs).toBe(1000);
    expect(JSON.stringify(poster.paces)).not.toContain("AAHerald");
  });
});

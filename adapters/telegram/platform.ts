/** Telegram as adapters/registry.ts lists it. */
import { uploadedCard } from "../../src/message/card-placement.ts";
import { definePlatform, destinationKind } from "../shared/platform.ts";
import { telegramDestination, telegramSection } from "./config.ts";
import { formatTelegram } from "./format.ts";
import { TELEGRAM_PREVIEW_CSS, telegramMock } from "./preview.ts";

export const telegramPlatform = definePlatform({
  id: "telegram",
  title: "Telegram",
  section: telegramSection,
  destinations: [
    destinationKind({
      schema: telegramDestination,
      botChannel: (d) => (d.topicId ? `${d.chatId}/${d.topicId}` : d.chatId),
      // Commands typed in any topic of the chat are about its destinations.
      commandChannel: (d) => d.chatId,
    }),
  ],
  apiUrlEnv: "TELEGRAM_API_ROOT",
  async create(t, { log }) {
    // Loaded on first use: the client library is most of an adapter's weight.
    const { createTelegramAdapter } = await import("./index.ts");
    return createTelegramAdapter({
      token: t.token || undefined,
      mode: t.mode,
      webhookSecret: t.webhookSecret || undefined,
      webhookUrl: t.webhookUrl,
      apiUrl: t.apiUrl,
      admins: t.admins,
      privateChatAdmins: t.privateFeeds,
      log,
    });
  },
  commandTransport: (t) => (t.mode === "polling" ? "connection" : "http"),
  // Telegram answers a second long poll on the same token with 409.
  exclusiveConnection: (t) => (t.mode === "polling" && t.token ? { kind: "telegram-polling", token: t.token } : null),
  // The webhook's secret is a header, checked before the body is read.
  httpAuth: "header",
  // As the bot posts it: the card, when the message has one, uploaded as the photo.
  format: (message, chatId) => formatTelegram(message, chatId, uploadedCard(message.card)),
  preview: { mock: telegramMock, css: TELEGRAM_PREVIEW_CSS },
  async registerCommands(t) {
    const { checkTelegramToken, createTelegramBot } = await import("./client.ts");
    const { registerTelegramCommands } = await import("./commands.ts");
    const bot = createTelegramBot({ token: checkTelegramToken(t.token), apiRoot: t.apiUrl });
    await registerTelegramCommands(bot.api, t.token);
    return "telegram: command menus set (en, ko)";
  },
});

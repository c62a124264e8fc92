/**
 * Webhook mode: Telegram POSTs each update to Herald's HTTP server with the
 * secret given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`. grammY's
 * `webhookCallback` (node:http adapter) compares it in constant time and
 * answers 401 without running any handler when it is wrong or missing.
 */
import { type Api, type Bot, webhookCallback } from "grammy";
import type { HttpHandler } from "../../src/chat/types.ts";
import { scrubToken, telegramError } from "./errors.ts";
import { TELEGRAM_UPDATE_TYPES } from "./polling.ts";
import type { TelegramClient } from "./types.ts";

/** What setWebhook accepts as secret_token. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;
/** Updates are small JSON objects; anything this large is not from Telegram. */
const MAX_UPDATE_BYTES = 1024 * 1024;
/** Answer Telegram within this time; the handler keeps running after it (Telegram would otherwise resend the update). */
const ANSWER_WITHIN_MS = 10_000;

/** Checks the webhook secret, naming the setting and never echoing the value. */
export function checkWebhookSecret(secret: string | undefined): string {
  const value = secret?.trim() ?? "";
  if (value === "") {
    throw new Error("telegram.webhookSecret is required in webhook mode. Set TELEGRAM_WEBHOOK_SECRET or provide it in config.");
  }
  if (!SECRET_SHAPE.test(value)) {
    throw new Error(
      "telegram.webhookSecret may only use A-Z, a-z, 0-9, _ and - (1 to 256 characters), as Telegram requires. Check TELEGRAM_WEBHOOK_SECRET.",
    );
  }
  return value;
}

/**
 * The HTTP handler for Telegram's webhook requests. The bot must be
 * initialised. Bodies declared over 1 MB are refused with 413, malformed JSON
 * with 400 (grammY reads the body only once the secret matched).
 */
export function telegramWebhookHandler(bot: Bot, secret: string, client: Pick<TelegramClient, "token" | "log">): HttpHandler {
  const callback = webhookCallback(bot, "http", {
    secretToken: checkWebhookSecret(secret),
    onTimeout: "return",
    timeoutMilliseconds: ANSWER_WITHIN_MS,
  });
  return async (req, res) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (Number.isFinite(declared) && declared > MAX_UPDATE_BYTES) {
      res.writeHead(413, { "content-type": "text/plain" }).end("update too large");
      req.resume();
      return;
    }
    try {
      await callback(req, res);
    } catch (error) {
      const malformed = error instanceof SyntaxError;
      const reason = malformed ? "malformed JSON" : scrubToken(error instanceof Error ? error.message : String(error), client.token);
      client.log.warn({ reason }, "telegram: webhook request failed");
      if (!res.headersSent) {
        res.writeHead(malformed ? 400 : 500, { "content-type": "text/plain" }).end(malformed ? "malformed update" : "error");
      }
    }
  };
}

/**
 * Registers `url` (HTTPS, port 443, 80, 88 or 8443) as the bot's webhook with
 * the secret Telegram will send back, for the update types Herald handles.
 *
 * @example await setTelegramWebhook(bot.api, token, "https://herald.example/telegram/webhook", secret)
 */
export async function setTelegramWebhook(api: Api, token: string, url: string, secret: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("telegram.webhookUrl is not a URL. Check TELEGRAM_WEBHOOK_URL.");
  }
  if (parsed.protocol !== "https:") throw new Error("telegram.webhookUrl must be https:// (Telegram only calls HTTPS webhooks).");
  try {
    await api.setWebhook(parsed.href, {
      secret_token: checkWebhookSecret(secret),
      allowed_updates: TELEGRAM_UPDATE_TYPES,
    });
  } catch (error) {
    throw telegramError(error, token, "setWebhook");
  }
}

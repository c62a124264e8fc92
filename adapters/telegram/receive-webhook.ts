/**
 * Webhook mode: Telegram POSTs each update to Herald's HTTP server with the
 * secret given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`. grammY's
 * `webhookCallback` compares it in constant time and answers 401 without
 * reading the body or running any handler when it is wrong or missing.
 */
import { type Api, type Bot, webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import type { HttpHandler } from "../../src/adapter.ts";
import { BodyAbortedError, BodyTooLargeError, plainText, readRequestBody } from "../shared/request-body.ts";
import { scrubToken, toTelegramError } from "./errors.ts";
import { TELEGRAM_UPDATE_TYPES } from "./receive-polling.ts";
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
    throw new Error(
      "telegram.webhookSecret is required in webhook mode. Set TELEGRAM_WEBHOOK_SECRET or provide it in config.",
    );
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
 * initialised. The secret header is checked before the body is read; bodies
 * over 1 MB (declared or counted as they arrive) are refused with 413 and the
 * connection closed, malformed JSON with 400.
 */
export function telegramWebhookHandler(
  bot: Bot,
  secret: string,
  client: Pick<TelegramClient, "token" | "log">,
): HttpHandler {
  const callback = webhookCallback(bot, boundedWebAdapter, {
    secretToken: checkWebhookSecret(secret),
    onTimeout: "return",
    timeoutMilliseconds: ANSWER_WITHIN_MS,
  });
  return async (request) => {
    try {
      return await callback(request);
    } catch (error) {
      if (error instanceof BodyAbortedError) throw error;
      if (error instanceof BodyTooLargeError) return plainText(413, "update too large");
      const malformed = error instanceof SyntaxError;
      const reason = malformed
        ? "malformed JSON"
        : scrubToken(error instanceof Error ? error.message : String(error), client.token);
      client.log.warn({ reason }, "telegram: webhook request failed");
      return malformed ? plainText(400, "malformed update") : plainText(500, "error");
    }
  };
}

/** The request/response view grammY's webhookCallback works with (its ReqResHandler, which grammY does not export). */
interface WebhookExchange {
  update: Promise<Update>;
  header?: string;
  end: () => void;
  respond: (json: string) => unknown;
  unauthorized: () => unknown;
  handlerReturn: Promise<Response>;
}

/**
 * grammY's "std/http" adapter (Request in, Response out), except that the
 * body is read under {@link MAX_UPDATE_BYTES} as it streams instead of by
 * `request.json()`. grammY reads `update` only once the secret header
 * matched (compared in constant time), so a caller without the secret costs no read.
 */
function boundedWebAdapter(request: Request): WebhookExchange {
  let answer: (response: Response) => void = () => {};
  const handlerReturn = new Promise<Response>((resolve) => {
    answer = resolve;
  });
  const header = request.headers.get("x-telegram-bot-api-secret-token");
  return {
    ...(header === null ? {} : { header }),
    get update() {
      return readRequestBody(request, MAX_UPDATE_BYTES).then((raw) => JSON.parse(raw.toString("utf8")) as Update);
    },
    end: () => answer(new Response(null, { status: 200 })),
    respond: (json: string) => answer(new Response(json, { headers: { "content-type": "application/json" } })),
    unauthorized: () => answer(plainText(401, "secret token is wrong")),
    handlerReturn,
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
  if (parsed.protocol !== "https:")
    throw new Error("telegram.webhookUrl must be https:// (Telegram only calls HTTPS webhooks).");
  try {
    await api.setWebhook(parsed.href, {
      secret_token: checkWebhookSecret(secret),
      allowed_updates: TELEGRAM_UPDATE_TYPES,
    });
  } catch (error) {
    throw toTelegramError(error, token, "setWebhook");
  }
}

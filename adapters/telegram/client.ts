/**
 * The grammY bot Herald talks to Telegram through, with its retry policy.
 *
 * Rate limits: `@grammyjs/auto-retry` waits out a 429's `retry_after` when it
 * is short (≤ `maxDelaySeconds`) and gives up after `maxRetryAttempts`, so a
 * long flood wait surfaces as a `RateLimitError` the delivery queue delays the
 * job by, instead of holding a worker for minutes. 5xx answers and network
 * failures are not retried here (the plugin would retry network failures
 * forever): they surface as `NetworkError` and the queue's backoff retries them.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { Bot } from "grammy";

export interface TelegramRetryOptions {
  /** Retries of one call after a 429. Default 3. */
  maxRetryAttempts?: number;
  /** Longest `retry_after` (seconds) waited in-process; longer waits throw RateLimitError. Default 5. */
  maxDelaySeconds?: number;
}

export interface TelegramClientOptions {
  token: string;
  /** Bot API root without trailing slash ("https://api.telegram.org" by default; a local Bot API server or a test fake). */
  apiRoot?: string | undefined;
  retry?: TelegramRetryOptions | undefined;
  /** Per-call timeout, in seconds. Default 60 (grammY's own is 500); it must exceed the 30 s long-poll timeout. */
  timeoutSeconds?: number | undefined;
}

/** What BotFather hands out: the bot's numeric id, a colon, then the secret. */
const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;

/** Checks a token's shape without ever echoing it. */
export function checkTelegramToken(token: string | undefined): string {
  const value = token?.trim() ?? "";
  if (value === "") throw new Error("telegram.token is required. Set TELEGRAM_BOT_TOKEN or provide it in config.");
  if (!TOKEN_SHAPE.test(value)) {
    throw new Error(
      "telegram.token is not a bot token (expected <bot id>:<secret> from BotFather). Check TELEGRAM_BOT_TOKEN.",
    );
  }
  return value;
}

/** Checks the API root: an http(s) URL, returned without a trailing slash (grammY refuses one). */
export function checkTelegramApiRoot(apiRoot: string | undefined): string | undefined {
  if (apiRoot === undefined || apiRoot.trim() === "") return undefined;
  let url: URL;
  try {
    url = new URL(apiRoot.trim());
  } catch {
    throw new Error("telegram.apiUrl is not a URL. Check TELEGRAM_API_ROOT.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error("telegram.apiUrl must be an http(s) URL. Check TELEGRAM_API_ROOT.");
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/**
 * A grammY bot with Herald's retry policy installed on its API (grammY copies
 * the transformers onto every update's `ctx.api`, so replies get it too).
 *
 * @example const bot = createTelegramBot({ token, apiRoot: "http://127.0.0.1:8081" })
 */
export function createTelegramBot(options: TelegramClientOptions): Bot {
  const token = checkTelegramToken(options.token);
  const apiRoot = checkTelegramApiRoot(options.apiRoot);
  const bot = new Bot(token, {
    client: { ...(apiRoot ? { apiRoot } : {}), timeoutSeconds: options.timeoutSeconds ?? 60 },
  });
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: options.retry?.maxRetryAttempts ?? 3,
      maxDelaySeconds: options.retry?.maxDelaySeconds ?? 5,
      rethrowInternalServerErrors: true,
      rethrowHttpErrors: true,
    }),
  );
  return bot;
}

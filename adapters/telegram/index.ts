/**
 * Herald's Telegram adapter: posts through the Bot API (grammY, with
 * auto-retry for short flood waits) and receives /news and /feeds by long
 * polling or by webhook.
 *
 * @example
 * const telegram = createTelegramAdapter({ token: process.env.TELEGRAM_BOT_TOKEN, log });
 * await telegram.poster("@herald_news").post(message, card, { idempotencyKey });
 * await telegram.start(handleCommand); // long polling
 */
import type { RunnerHandle } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { CardFile, ChatAdapter, ConnectionOptions, HttpHandler } from "../../src/adapter.ts";
import type { CommandHandler } from "../../src/chat/types.ts";
import { type Log, silentLog } from "../../src/log.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { createTelegramBot, type TelegramRetryOptions } from "./client.ts";
import { registerTelegramCommands } from "./commands.ts";
import { toTelegramError } from "./errors.ts";
import { deleteTelegramNews, editTelegramNews, TelegramPoster } from "./poster.ts";
import { logPollingFailures, startTelegramPolling } from "./receive-polling.ts";
import { checkWebhookSecret, setTelegramWebhook, telegramWebhookHandler } from "./receive-webhook.ts";
import { routeTelegramCommands } from "./respond.ts";
import type { TelegramClient } from "./types.ts";

export { registerTelegramCommands } from "./commands.ts";
export { TELEGRAM_GLOBAL_PER_SECOND, telegramChatPace } from "./pace.ts";
export { TelegramPoster } from "./poster.ts";
export { setTelegramWebhook } from "./receive-webhook.ts";

export interface TelegramAdapterOptions {
  /** BotFather's token (TELEGRAM_BOT_TOKEN). */
  token: string | undefined;
  /** How commands arrive. Default "polling". */
  mode?: "polling" | "webhook" | undefined;
  /** Webhook mode: the secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token (TELEGRAM_WEBHOOK_SECRET). */
  webhookSecret?: string | undefined;
  /** Webhook mode: the public HTTPS URL to register with setWebhook on start; leave unset to register it yourself. */
  webhookUrl?: string | undefined;
  /** Webhook mode: the path served by {@link ChatAdapter.httpRoutes}. Default "/telegram/webhook". */
  webhookPath?: string | undefined;
  /** Bot API root (TELEGRAM_API_ROOT): a local Bot API server, or a test fake. */
  apiUrl?: string | undefined;
  /** Telegram user ids that may run admin commands in every chat, on top of the chats' own admins. */
  admins?: ReadonlyArray<string | number> | undefined;
  /** Users of private chats with the bot manage that chat's feeds (`telegram.privateFeeds`). Default false: only `admins` can there. */
  privateChatAdmins?: boolean | undefined;
  /** Set the "/" command menus (en, ko) on start. Default true. */
  registerCommands?: boolean | undefined;
  retry?: TelegramRetryOptions | undefined;
  log?: Log | undefined;
}

export const DEFAULT_TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";

/**
 * Creates the adapter. Throws at once, naming the environment variable, when
 * the token is missing or malformed, or when webhook mode has no valid secret.
 * Posting, editing and deleting work without `start`; only commands need it.
 */
export function createTelegramAdapter(options: TelegramAdapterOptions): ChatAdapter {
  const mode = options.mode ?? "polling";
  if (mode !== "polling" && mode !== "webhook") {
    throw new Error(`telegram.mode must be "polling" or "webhook", got ${JSON.stringify(mode)}.`);
  }
  const webhookSecret = mode === "webhook" ? checkWebhookSecret(options.webhookSecret) : undefined;
  const log = options.log ?? silentLog;
  const bot = createTelegramBot({
    token: options.token ?? "",
    ...(options.apiUrl !== undefined ? { apiRoot: options.apiUrl } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  return new TelegramAdapter(bot, {
    mode,
    webhookSecret,
    webhookUrl: options.webhookUrl,
    webhookPath: options.webhookPath ?? DEFAULT_TELEGRAM_WEBHOOK_PATH,
    admins: new Set((options.admins ?? []).map(String)),
    privateChatAdmins: options.privateChatAdmins ?? false,
    registerCommands: options.registerCommands ?? true,
    log,
  });
}

interface AdapterSettings {
  mode: "polling" | "webhook";
  webhookSecret: string | undefined;
  webhookUrl: string | undefined;
  webhookPath: string;
  admins: ReadonlySet<string>;
  privateChatAdmins: boolean;
  registerCommands: boolean;
  log: Log;
}

export class TelegramAdapter implements ChatAdapter {
  readonly platform = "telegram" as const;
  readonly #bot: Bot;
  readonly #client: TelegramClient;
  readonly #settings: AdapterSettings;
  #handler: CommandHandler | null = null;
  #runner: RunnerHandle | null = null;
  #webhook: HttpHandler | null = null;

  constructor(bot: Bot, settings: AdapterSettings) {
    this.#bot = bot;
    this.#settings = settings;
    this.#client = { api: bot.api, token: bot.token, log: settings.log };
    bot.api.config.use(logPollingFailures(this.#client));
    routeTelegramCommands(bot, {
      client: this.#client,
      admins: settings.admins,
      privateChatAdmins: settings.privateChatAdmins,
      handler: () => this.#handler,
    });
  }

  poster(channelId: string): TelegramPoster {
    return new TelegramPoster(this.#client, channelId);
  }

  edit(channelId: string, messageId: string, message: NewsMessage, card: CardFile | null): Promise<void> {
    return editTelegramNews(this.#client, channelId, messageId, message, card);
  }

  delete(channelId: string, messageId: string): Promise<void> {
    return deleteTelegramNews(this.#client, channelId, messageId);
  }

  async start(handler: CommandHandler, options: ConnectionOptions = {}): Promise<void> {
    if (this.#handler) throw new Error("telegram adapter is already started");
    const { token, log } = this.#client;
    try {
      // getMe: checks the token and learns the bot's @username, which /news@username needs.
      await this.#bot.init();
    } catch (error) {
      throw toTelegramError(error, token, "getMe");
    }
    if (this.#settings.registerCommands) {
      try {
        await registerTelegramCommands(this.#bot.api, token);
      } catch (error) {
        log.warn({ reason: (error as Error).message }, "telegram: could not set the command menu");
      }
    }
    // Set before polling starts so the first updates are answered, not dropped.
    this.#handler = handler;
    try {
      if (this.#settings.mode === "polling") {
        this.#runner = await startTelegramPolling(this.#bot, this.#client, options.onConnectionLost);
      } else {
        this.#webhook ??= telegramWebhookHandler(this.#bot, this.#settings.webhookSecret ?? "", this.#client);
        if (this.#settings.webhookUrl) {
          await setTelegramWebhook(this.#bot.api, token, this.#settings.webhookUrl, this.#settings.webhookSecret ?? "");
        }
      }
    } catch (error) {
      this.#handler = null;
      throw error;
    }
    log.info({ bot: this.#bot.botInfo.username, mode: this.#settings.mode }, "telegram: receiving commands");
  }

  async stop(): Promise<void> {
    const runner = this.#runner;
    this.#runner = null;
    // Resolves once the handlers still running have answered; updates not yet confirmed are redelivered next time.
    await runner?.stop();
    this.#handler = null;
  }

  httpRoutes(): Record<string, HttpHandler> {
    if (this.#settings.mode !== "webhook") return {};
    const route: HttpHandler = async (request) => {
      // Not started yet, or stopped: Telegram keeps the update and resends it later (the body is left unread).
      if (!this.#webhook || !this.#handler) {
        return new Response("not receiving updates", {
          status: 503,
          headers: { "content-type": "text/plain", "retry-after": "5" },
        });
      }
      return this.#webhook(request);
    };
    return { [`POST ${this.#settings.webhookPath}`]: route };
  }
}

/**
 * The Slack bot: posts with the Web API (poster.ts) and takes `/news` and
 * `/feeds` through Bolt, over HTTP (receive-http.ts, mounted on Herald's server
 * through {@link SlackAdapter.httpRoutes}) or Socket Mode (receive-socket.ts).
 *
 * @example
 * const slack = createSlackAdapter({ botToken, signingSecret, mode: "http", admins: ["U0123ABCD"], log });
 * await slack.poster("C0123456789").post(message, card, { idempotencyKey });
 * await slack.start(handleCommand);
 * const routes = slack.httpRoutes(); // { "POST /slack/events": handler }
 */
import type { App } from "@slack/bolt";
import type { WebClient, WebClientOptions } from "@slack/web-api";
import type { CardFile, ChatAdapter, HttpHandler, Poster } from "../../src/adapter.ts";
import type { CommandHandler } from "../../src/chat/types.ts";
import { type Log, silentLog } from "../../src/log.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { DEFAULT_CARD_WAITS_MS } from "./card-upload.ts";
import { createSlackClient, slackClientOptions } from "./client.ts";
import { toSlackError } from "./errors.ts";
import { type CheckedSlackOptions, checkSlackOptions, type SlackAdapterOptions } from "./options.ts";
import { SlackMessenger, SlackPoster } from "./poster.ts";
import { createHttpModeApp } from "./receive-http.ts";
import { createSocketModeApp } from "./receive-socket.ts";
import { registerSlashCommands } from "./respond.ts";

export type { SlackAdapterOptions } from "./options.ts";

export class SlackAdapter implements ChatAdapter {
  readonly platform = "slack" as const;
  readonly #settings: CheckedSlackOptions;
  readonly #clientOptions: WebClientOptions;
  readonly #client: WebClient;
  readonly #messenger: SlackMessenger;
  readonly #log: Log;
  readonly #cardWaitsMs: readonly number[];
  #app: App | null = null;
  #route: HttpHandler | null = null;
  #stopped = false;

  constructor(options: SlackAdapterOptions) {
    this.#settings = checkSlackOptions(options);
    this.#log = options.log ?? silentLog;
    this.#cardWaitsMs = options.cardWaitsMs ?? DEFAULT_CARD_WAITS_MS;
    const clientSettings = {
      apiUrl: options.apiUrl,
      retry: options.retry,
      timeoutMs: options.timeoutMs,
      log: this.#log,
    };
    this.#clientOptions = slackClientOptions(clientSettings);
    this.#client = createSlackClient(this.#settings.botToken, clientSettings);
    this.#messenger = new SlackMessenger(this.#client, { log: this.#log, cardWaitsMs: this.#cardWaitsMs });
  }

  poster(channelId: string): Poster {
    return new SlackPoster(this.#messenger, channelId);
  }

  edit(channelId: string, messageId: string, message: NewsMessage, card: CardFile | null): Promise<void> {
    return this.#messenger.edit(channelId, messageId, message, card);
  }

  delete(channelId: string, messageId: string): Promise<void> {
    return this.#messenger.delete(channelId, messageId);
  }

  /** Builds the Bolt app, checks the token (auth.test) and, in Socket Mode, connects. */
  async start(handler: CommandHandler): Promise<void> {
    if (this.#app) throw new Error("the Slack adapter is already started");
    const { botToken, mode, signingSecret, appToken, admins } = this.#settings;
    let app: App;
    if (mode === "http") {
      const http = createHttpModeApp({
        botToken,
        signingSecret: signingSecret ?? "",
        clientOptions: this.#clientOptions,
        log: this.#log,
      });
      app = http.app;
      this.#route = http.route;
    } else {
      app = createSocketModeApp({
        botToken,
        appToken: appToken ?? "",
        clientOptions: this.#clientOptions,
        log: this.#log,
      });
    }
    registerSlashCommands(app, {
      client: this.#client,
      admins,
      handler,
      log: this.#log,
      cardWaitsMs: this.#cardWaitsMs,
    });
    app.error(async (error) => {
      this.#log.error({ error: error.message }, "Slack event failed");
    });
    // auth.test checks the bot token; Socket Mode's apps.connections.open checks the app token: name the one that failed.
    let step = "auth.test";
    try {
      await app.init();
      step = "apps.connections.open (Socket Mode)";
      if (mode === "socket") await startWithin(app, SOCKET_START_TIMEOUT_MS);
    } catch (error) {
      this.#route = null;
      throw toSlackError(error, step);
    }
    this.#app = app;
    this.#stopped = false;
  }

  async stop(): Promise<void> {
    if (!this.#app || this.#stopped) return;
    this.#stopped = true;
    if (this.#settings.mode === "socket") await this.#app.stop();
  }

  httpRoutes(): Record<string, HttpHandler> {
    const route = this.#route;
    if (this.#settings.mode !== "http" || !route) return {};
    const serve: HttpHandler = async (request) =>
      this.#stopped ? new Response(null, { status: 503 }) : route(request);
    return { [`POST ${this.#settings.eventsPath}`]: serve };
  }
}

/** Creates the Slack adapter; throws at once when a token or secret the mode needs is missing. */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  return new SlackAdapter(options);
}

/** @slack/socket-mode retries most connection errors forever; Herald's start must fail instead of hanging. */
const SOCKET_START_TIMEOUT_MS = 30_000;

async function startWithin(app: { start(): Promise<unknown>; stop(): Promise<unknown> }, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `Socket Mode did not connect within ${ms / 1000} s (check SLACK_APP_TOKEN and its connections:write scope)`,
          ),
        ),
      ms,
    );
  });
  try {
    await Promise.race([app.start(), timeout]);
  } catch (error) {
    await app.stop().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

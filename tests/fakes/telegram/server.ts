/**
 * A strict loopback fake of Telegram's Bot API for tests that drive the real grammY client
 * (`new Bot(token, { client: { apiRoot: fake.apiRoot } })`). It parses HTML like Telegram,
 * enforces the length, keyboard and photo limits, long-polls getUpdates, and can answer
 * 429/5xx on demand or by its own rate limits.
 *
 * @example
 * const telegram = await TelegramFake.start();
 * const bot = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } });
 * await bot.api.sendMessage(4242, "<b>속보</b>", { parse_mode: "HTML" });
 * expect(telegram.sent[0]?.visibleText).toBe("속보");
 * await telegram.close();
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type LoopbackServer, sendJson, startLoopbackServer } from "../http.ts";
import { BotState } from "./bot-state.ts";
import type { MethodContext } from "./context.ts";
import { TelegramApiError, tooManyRequests } from "./errors.ts";
import { BOT_METHODS } from "./methods.ts";
import { type BotRequest, readBotRequest } from "./params.ts";
import { TelegramRateLimiter } from "./ratelimit.ts";
import type {
  CallbackAnswer,
  ChatErrorKind,
  ChatMemberStatus,
  StoredMessage,
  TelegramCall,
  TelegramSent,
} from "./types.ts";
import { UpdateQueue } from "./updates.ts";

export type {
  CallbackAnswer,
  ChatErrorKind,
  ChatMemberStatus,
  StoredMessage,
  TelegramCall,
  TelegramSent,
} from "./types.ts";
export { callbackQueryUpdate, textMessageUpdate } from "./updates.ts";

export interface TelegramFakeOptions {
  /** The only token accepted. Default "7000000001:AAHeraldFakeToken_abcdefghijklmnopqrs". */
  token?: string;
  /** Enforce ~30 msg/s overall, 1 msg/s per private chat (burst 3), 20 msg/min per group/channel. Default off. */
  rateLimits?: boolean;
  /** getMe's username. Default "herald_test_bot". */
  botUsername?: string;
  /** Refuse bare "&" and ">" in HTML, as the Bot API docs require. Default true. */
  strictHtml?: boolean;
}

interface InjectedFailure {
  code: 429 | 500 | 502;
  retryAfter: number;
  /** Lower-cased method this failure is for; undefined = any method but getUpdates. */
  method: string | undefined;
}

const BOT_PATH = /^\/bot([^/]+)\/([A-Za-z]+)$/;

export class TelegramFake {
  readonly token: string;
  /** Successful sends, edits and deletes, in order. */
  readonly sent: TelegramSent[];
  readonly callbackAnswers: CallbackAnswer[];
  /** Every call with the status the fake answered, including refused ones. */
  readonly calls: TelegramCall[] = [];
  readonly #http: LoopbackServer;
  readonly #state: BotState;
  readonly #updates = new UpdateQueue();
  readonly #context: MethodContext;
  readonly #failures: InjectedFailure[] = [];
  readonly #rateLimitedByChat = new Map<string, number>();
  #rateLimitedCount = 0;

  private constructor(http: LoopbackServer, options: TelegramFakeOptions) {
    this.#http = http;
    this.token = options.token ?? "7000000001:AAHeraldFakeToken_abcdefghijklmnopqrs";
    this.#state = new BotState();
    this.sent = this.#state.sent;
    this.callbackAnswers = this.#state.callbackAnswers;
    this.#context = {
      state: this.#state,
      updates: this.#updates,
      limiter: new TelegramRateLimiter(options.rateLimits ?? false),
      bot: {
        id: Number(this.token.split(":")[0]) || 7_000_000_001,
        username: options.botUsername ?? "herald_test_bot",
        firstName: "Herald",
      },
      strictHtml: options.strictHtml ?? true,
      onRateLimited: (chatId) => this.#countRateLimit(chatId),
    };
  }

  static async start(options: TelegramFakeOptions = {}): Promise<TelegramFake> {
    let fake: TelegramFake | undefined;
    const http = await startLoopbackServer((req, res) => fake!.#handle(req, res));
    fake = new TelegramFake(http, options);
    return fake;
  }

  /** "http://127.0.0.1:PORT": grammY's `client.apiRoot` (it builds `${apiRoot}/bot${token}/${method}`). */
  get apiRoot(): string {
    return this.#http.baseUrl;
  }

  /** 429s answered, from rate limits and injected failures. */
  get rateLimitedCount(): number {
    return this.#rateLimitedCount;
  }

  /** 429s from the rate limiter, per chat id. */
  get rateLimitedByChat(): ReadonlyMap<string, number> {
    return this.#rateLimitedByChat;
  }

  /** The webhook URL set with setWebhook ("" when none). */
  get webhookUrl(): string {
    return this.#state.webhookUrl;
  }

  /** Commands stored by setMyCommands for the default scope and no language. */
  get myCommands(): unknown[] {
    return this.#state.myCommands.get(`${JSON.stringify({ type: "default" })}|`) ?? [];
  }

  /** Whether a long-polling getUpdates call is being held open right now. */
  get isPolling(): boolean {
    return this.#updates.isPolling;
  }

  /**
   * getUpdates calls ended with 409 because another getUpdates for this token arrived while they
   * were held: each one means two bot instances were polling at the same moment.
   */
  get getUpdatesConflicts(): number {
    return this.#updates.conflicts;
  }

  /** Messages as they currently stand in a chat (edits applied, deletions removed). */
  messagesIn(chatId: string | number): StoredMessage[] {
    return this.#state.messagesIn(String(chatId));
  }

  /**
   * The next `n` calls fail with `code`: 429 carries `retry_after` (default 1 s), 500 is a JSON
   * error, 502 is the HTML page Telegram's nginx answers with. Calls to getUpdates are skipped
   * unless `method` names it, so a running poller does not swallow the failures.
   */
  failNext(n: number, code: 429 | 500 | 502, options: { retryAfter?: number; method?: string } = {}): void {
    for (let i = 0; i < n; i += 1) {
      this.#failures.push({ code, retryAfter: options.retryAfter ?? 1, method: options.method?.toLowerCase() });
    }
  }

  /**
   * Makes calls on a chat fail: `chat_not_found` → 400 "Bad Request: chat not found"; `kicked` →
   * 403 "Forbidden: bot was kicked from the … chat"; `not_admin` → 400 "Bad Request: need
   * administrator rights in the channel chat" (sends, edits and deletes only).
   */
  setChatError(chatId: string | number, kind: ChatErrorKind): void {
    this.#state.setChatError(String(chatId), kind);
  }

  /** Sets what getChatMember answers for a user in a chat. */
  /** Makes `chatId` a forum supergroup with this topic: sends may name it as message_thread_id. */
  addForumTopic(chatId: string | number, topicId: number): void {
    this.#state.addForumTopic(String(chatId), topicId);
  }

  /** A message a member wrote in the chat (not the bot): the bot may reply to it but not edit it. Returns its id. */
  postAsMember(chatId: string | number, text: string): number {
    return this.#state.storeMessage({
      chatId: String(chatId),
      kind: "text",
      visibleText: text,
      entities: [],
      fromBot: false,
    }).messageId;
  }

  setChatMember(chatId: string | number, userId: number, status: ChatMemberStatus): void {
    this.#state.setChatMember(String(chatId), userId, status);
  }

  /** Queues an update for getUpdates (numbered when it has no update_id); returns its update_id. */
  pushUpdate(update: object): number {
    const query = (update as { callback_query?: { id?: unknown } }).callback_query;
    if (typeof query?.id === "string") this.#state.openCallbackQueries.add(query.id);
    return this.#updates.push(update);
  }

  /** Resolves with everything sent once at least `n` sends/edits/deletes happened; rejects after `timeoutMs`. */
  waitForSent(n: number, timeoutMs = 5_000): Promise<TelegramSent[]> {
    return this.#state.waitForSent(n, timeoutMs);
  }

  /**
   * Calls received and not yet answered, except the getUpdates a poller keeps open by design:
   * 0 once the fake has answered every send, edit and delete Herald made.
   */
  get pendingRequests(): number {
    return this.#http.inFlight - (this.isPolling ? 1 : 0);
  }

  /** Answers a held getUpdates with no updates and stops the server. */
  close(): Promise<void> {
    this.#updates.releasePoll();
    return this.#http.close();
  }

  #countRateLimit(chatId?: string): void {
    this.#rateLimitedCount += 1;
    if (chatId !== undefined) this.#rateLimitedByChat.set(chatId, (this.#rateLimitedByChat.get(chatId) ?? 0) + 1);
  }

  #takeFailure(method: string): InjectedFailure | undefined {
    const index = this.#failures.findIndex((failure) =>
      failure.method === undefined ? method !== "getupdates" : failure.method === method,
    );
    if (index < 0) return undefined;
    return this.#failures.splice(index, 1)[0];
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.#http.baseUrl);
    const route = BOT_PATH.exec(url.pathname);
    const methodName = route?.[2] ?? "";
    const answer = (status: number, body: Record<string, unknown>) => {
      const description = typeof body.description === "string" ? body.description : undefined;
      this.calls.push({ method: methodName, status, ...(description ? { description } : {}) });
      sendJson(res, status, body);
    };
    let request: BotRequest;
    try {
      request = await readBotRequest(req, url);
    } catch (error) {
      if (error instanceof TelegramApiError) return answer(error.code, error.toJSON());
      throw error;
    }
    const hungUp = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) hungUp.abort();
    });
    request.signal = hungUp.signal;
    if (!route) return answer(404, { ok: false, error_code: 404, description: "Not Found" });
    if (route[1] !== this.token) return answer(401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = BOT_METHODS.get(methodName.toLowerCase());
    if (!method) return answer(404, { ok: false, error_code: 404, description: "Not Found" });

    const failure = this.#takeFailure(methodName.toLowerCase());
    if (failure) return this.#answerFailure(failure, methodName, res, answer);
    try {
      const result = await method(request, this.#context);
      answer(200, { ok: true, result });
    } catch (error) {
      if (error instanceof TelegramApiError) return answer(error.code, error.toJSON());
      throw error;
    }
  }

  #answerFailure(
    failure: InjectedFailure,
    methodName: string,
    res: ServerResponse,
    answer: (status: number, body: Record<string, unknown>) => void,
  ): void {
    if (failure.code === 429) {
      this.#countRateLimit();
      answer(429, tooManyRequests(failure.retryAfter).toJSON());
      return;
    }
    if (failure.code === 500) {
      answer(500, { ok: false, error_code: 500, description: "Internal Server Error" });
      return;
    }
    this.calls.push({ method: methodName, status: 502, description: "502 Bad Gateway" });
    res.writeHead(502, { "content-type": "text/html" });
    res.end(
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    );
  }
}

/**
 * A strict loopback fake of Discord's HTTP API for tests that drive the real clients
 * (@discordjs/rest's `REST`, or fetch for webhooks). It validates what Discord
 * validates, answers Discord's error bodies and rate-limit headers, and records what
 * arrived.
 *
 * @example
 * const fake = await DiscordFake.start({ botToken: "test-token" });
 * const rest = new REST({ api: fake.api, version: "10" }).setToken("test-token");
 * await rest.post(Routes.channelMessages(channelId), { body: { content: "hi" } });
 * expect(fake.messages[0]?.body.content).toBe("hi");
 * await fake.close();
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type LoopbackServer, readBody, sendJson, sendText, startLoopbackServer } from "../http.ts";
import { getGatewayBot, overwriteGlobalCommands, overwriteGuildCommands } from "./app-handlers.ts";
import { checkBotAuthorization } from "./auth.ts";
import { createChannelMessage, deleteChannelMessage, editChannelMessage } from "./channel-handlers.ts";
import { type ChannelDenialCode, channelDenied, DiscordHttpError, entityTooLarge, FormErrors } from "./errors.ts";
import { DiscordGatewayFake } from "./gateway.ts";
import { acknowledgeHttpAnswer, interactionCallback } from "./interaction-handlers.ts";
import { MAX_REQUEST_BYTES } from "./multipart.ts";
import { type BucketRef, RateLimiter } from "./ratelimit.ts";
import { matchRoute, type RouteName } from "./routes.ts";
import { fakeSnowflake, isSnowflake } from "./snowflake.ts";
import type { FakeState, RouteHandler } from "./state.ts";
import { MessageStore } from "./store.ts";
import { crosspostMessage, startThreadFromMessage } from "./thread-handlers.ts";
import type {
  DiscordFakeOptions,
  RecordedCommandSet,
  RecordedInteractionResponse,
  RecordedMessage,
  RecordedRequest,
  RecordedThread,
} from "./types.ts";
import { deleteWebhookMessage, editWebhookMessage, executeWebhook } from "./webhook-handlers.ts";

export { DiscordGatewayFake } from "./gateway.ts";
export { rateLimitKey } from "./ratelimit.ts";
export { fakeSnowflake } from "./snowflake.ts";
export { CHANNEL_TYPES } from "./thread-handlers.ts";
export type { DiscordFakeOptions, RecordedMessage, RecordedThread } from "./types.ts";

const HANDLERS: Record<RouteName, RouteHandler> = {
  createChannelMessage,
  editChannelMessage,
  deleteChannelMessage,
  startThreadFromMessage,
  crosspostMessage,
  executeWebhook,
  editWebhookMessage,
  deleteWebhookMessage,
  interactionCallback,
  overwriteGlobalCommands,
  overwriteGuildCommands,
  getGatewayBot,
};

/** Path parameters that must be snowflakes, with the field name Discord's error names. */
const SNOWFLAKE_PARAMS: Record<string, string> = {
  channel: "channel_id",
  message: "message_id",
  webhook: "webhook_id",
  interaction: "interaction_id",
  application: "application_id",
  guild: "guild_id",
};

const HOUR_MS = 3_600_000;

/** A failure `failNext` queued for the next message-creating request. */
interface ForcedFailure {
  status: 429 | 500 | 502 | 503;
  retryAfter: number;
  global: boolean;
}

interface Answer {
  status: number;
  json?: unknown;
  text?: string;
  bytes?: { data: Buffer; contentType: string };
  headers: Record<string, string>;
}

export class DiscordFake {
  /** Base URL, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** What to pass as @discordjs/rest's `api` option: `${url}/api` (REST appends `/v10`). */
  readonly api: string;
  /** Every request, with the status it was answered. */
  readonly requests: RecordedRequest[] = [];
  /** Interaction callbacks, `@original` edits and follow-ups. */
  readonly interactionResponses: RecordedInteractionResponse[] = [];
  /** Application command bulk overwrites, in arrival order. */
  readonly commandSets: RecordedCommandSet[] = [];
  /** 429s answered per bucket, keyed by `rateLimitKey(route, major)`; global ones under `"global"`. */
  readonly rateLimitHits: Map<string, number>;

  private readonly store = new MessageStore();
  private readonly limiter: RateLimiter;
  private readonly state: FakeState;
  private readonly failures: ForcedFailure[] = [];
  private readonly deniedChannels = new Map<string, ChannelDenialCode>();
  /** Crosspost times per channel within the last hour. */
  private readonly crossposts = new Map<string, number[]>();

  private constructor(
    private readonly server: LoopbackServer,
    private readonly options: DiscordFakeOptions,
    private readonly attachedGateway: DiscordGatewayFake | null,
  ) {
    this.url = server.baseUrl;
    this.api = `${server.baseUrl}/api`;
    this.limiter = new RateLimiter({
      enforce: options.rateLimits ?? false,
      bucketLimit: options.bucketLimit ?? 5,
      bucketResetMs: options.bucketResetMs ?? 5000,
      globalPerSecond: options.globalPerSecond ?? 50,
    });
    this.rateLimitHits = this.limiter.hits;
    this.state = {
      baseUrl: this.url,
      store: this.store,
      webhooks: new Map(),
      interactions: new Map(),
      pendingInteractions: new Map(),
      interactionResponses: this.interactionResponses,
      commandSets: this.commandSets,
      gatewayUrl: attachedGateway?.url ?? "wss://gateway.discord.gg",
      channelTypes: new Map(),
      threads: new Map(),
    };
  }

  static async start(options: DiscordFakeOptions = {}): Promise<DiscordFake> {
    let fake: DiscordFake | undefined;
    const { gateway: gatewayOptions, botToken } = options;
    const gateway = gatewayOptions
      ? await DiscordGatewayFake.start({
          ...(botToken === undefined ? {} : { botToken }),
          ...(gatewayOptions === true ? {} : gatewayOptions),
        })
      : null;
    const server = await startLoopbackServer((req, res) => fake!.handle(req, res));
    fake = new DiscordFake(server, options, gateway);
    return fake;
  }

  /** The gateway fake `GET /gateway/bot` points clients at; only when started with `{ gateway: … }`. */
  get gateway(): DiscordGatewayFake {
    if (!this.attachedGateway) throw new Error("DiscordFake has no gateway: start it with { gateway: true }");
    return this.attachedGateway;
  }

  /** Messages created through channels and webhooks, in arrival order (edits merged, deletions marked). */
  get messages(): RecordedMessage[] {
    return this.store.messages;
  }

  /**
   * Creates a webhook the fake will accept and returns its execute URL,
   * `http://127.0.0.1:PORT/api/webhooks/{id}/{token}`. Other ids answer 404 10015,
   * a wrong token 401 50027.
   */
  webhookUrl(id: string = fakeSnowflake(), token: string = randomBytes(51).toString("base64url")): string {
    if (!isSnowflake(id)) throw new Error(`webhookUrl: id ${JSON.stringify(id)} is not a snowflake (17–20 digits)`);
    this.state.webhooks.set(id, { id, token, channelId: fakeSnowflake() });
    return `${this.api}/webhooks/${id}/${token}`;
  }

  /** The next `n` message-creating requests (channel messages, webhook executes, interaction callbacks) answer `status`. */
  failNext(n: number, status: 429 | 500 | 502 | 503, opts: { retryAfter?: number; global?: boolean } = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`failNext: n must be a positive integer, got ${n}`);
    for (let i = 0; i < n; i++) {
      this.failures.push({ status, retryAfter: opts.retryAfter ?? 1, global: opts.global ?? false });
    }
  }

  /** Every request about `channelId` answers Missing Access (403), Missing Permissions (403) or Unknown Channel (404). */
  denyChannel(channelId: string, code: ChannelDenialCode): void {
    this.deniedChannels.set(channelId, code);
  }

  /** Sets a channel's type (CHANNEL_TYPES: 5 announcement, 15 forum, 11 public thread); text (0) otherwise. */
  setChannelType(channelId: string, type: number): void {
    this.state.channelTypes.set(channelId, type);
  }

  /** A message a member wrote in `channelId` (not the bot): the bot cannot edit it (50005). Returns its id. */
  postAsMember(channelId: string, content: string, authorId = fakeSnowflake()): string {
    return this.store.create({ channelId, webhookId: null, body: { content }, uploads: [], authorId }).id;
  }

  /** Threads started from messages, in the order they were started. */
  get threads(): RecordedThread[] {
    return [...this.state.threads.values()];
  }

  /** Undoes {@link denyChannel}. */
  allowChannel(channelId: string): void {
    this.deniedChannels.delete(channelId);
  }

  /**
   * Plays Discord delivering an interaction to an app's Interactions Endpoint URL: POSTs
   * `interaction` as JSON with the headers `sign` makes for that exact body (the test
   * holds the Ed25519 key pair, as Discord holds the app's), and returns the app's answer.
   * A 200 interaction response is recorded as the interaction's callback and makes its
   * `@original` editable, as on Discord; edits that arrive before the answer wait for it.
   */
  async sendInteraction(
    endpoint: string,
    interaction: { id: string; token: string } & Record<string, unknown>,
    sign: (body: string) => Record<string, string>,
  ): Promise<{ status: number; body: unknown }> {
    const body = JSON.stringify(interaction);
    let answered = () => {};
    this.state.pendingInteractions.set(interaction.token, new Promise<void>((resolve) => (answered = resolve)));
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Discord-Interactions/1.0 (+https://discord.com)",
          ...sign(body),
        },
        body,
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (response.status === 200) acknowledgeHttpAnswer(this.state, interaction.id, interaction.token, json);
      return { status: response.status, body: json ?? text };
    } finally {
      this.state.pendingInteractions.delete(interaction.token);
      answered();
    }
  }

  /** Resolves with all messages once at least `n` have arrived; rejects after `timeoutMs`. */
  waitForMessages(n: number, timeoutMs = 5000): Promise<RecordedMessage[]> {
    return this.store.waitFor(n, timeoutMs);
  }

  /** HTTP requests received and not yet answered: 0 once the fake has answered everything Herald sent. */
  get pendingRequests(): number {
    return this.server.inFlight;
  }

  async close(): Promise<void> {
    await Promise.all([this.server.close(), this.attachedGateway?.close()]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    let raw: Buffer | undefined;
    try {
      raw = await readBody(req, MAX_REQUEST_BYTES);
    } catch {
      // Over Discord's 25 MiB request limit; readBody stopped reading, so close rather than keep the socket.
    }
    const answer: Answer = raw
      ? await this.answer(req, url, raw)
      : { status: 413, json: entityTooLarge().body, headers: { Connection: "close" } };
    this.requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, status: answer.status });
    if (this.options.responseDelayMs) await new Promise((resolve) => setTimeout(resolve, this.options.responseDelayMs));
    write(res, answer);
  }

  private async answer(req: IncomingMessage, url: URL, raw: Buffer): Promise<Answer> {
    if (req.method === "GET" && url.pathname.startsWith("/attachments/")) return this.serveAttachment(url.pathname);
    let headers: Record<string, string> = {};
    try {
      const route = matchRoute(req.method ?? "GET", url.pathname);
      if (route.auth) checkBotAuthorization(req.headers.authorization, this.options.botToken);
      checkSnowflakeParams(route.params);

      const bucket: BucketRef = { route: route.template, major: route.major, globalExempt: route.globalExempt };
      const limit = this.limiter.take(bucket);
      headers = limit.headers;
      // A rate-limited request is not performed.
      if (limit.limited) return { status: 429, json: limit.body, headers };
      const forced = route.createsMessage ? this.failures.shift() : undefined;
      if (forced) return this.forcedAnswer(forced, bucket, headers);
      const crosspostWait = route.name === "crosspostMessage" ? this.takeCrosspost(route.params.channel ?? "") : 0;
      if (crosspostWait > 0)
        return this.forcedAnswer({ status: 429, retryAfter: crosspostWait, global: false }, bucket, headers);

      const denial = route.params.channel === undefined ? undefined : this.deniedChannels.get(route.params.channel);
      if (denial !== undefined) throw channelDenied(denial);

      const reply = await HANDLERS[route.name](
        { params: route.params, query: url.searchParams, contentType: req.headers["content-type"], raw },
        this.state,
      );
      return { ...reply, headers };
    } catch (error) {
      if (error instanceof DiscordHttpError) return { status: error.status, json: error.body, headers };
      throw error;
    }
  }

  /**
   * Publishing is limited per channel (Discord: 10 an hour): seconds until the next one may go, or 0
   * after taking a slot. Every attempt takes one, as Discord counts requests, not successes.
   */
  private takeCrosspost(channelId: string, now = Date.now()): number {
    const recent = (this.crossposts.get(channelId) ?? []).filter((at) => now - at < HOUR_MS);
    this.crossposts.set(channelId, recent);
    const oldest = recent[0];
    if (recent.length >= (this.options.crosspostsPerHour ?? 10) && oldest !== undefined)
      return Math.max(1, Math.ceil((oldest + HOUR_MS - now) / 1000));
    recent.push(now);
    return 0;
  }

  private forcedAnswer(failure: ForcedFailure, bucket: BucketRef, headers: Record<string, string>): Answer {
    if (failure.status === 429) {
      const limited = this.limiter.forced(bucket, failure.retryAfter, failure.global);
      return { status: 429, json: limited.limited ? limited.body : undefined, headers: limited.headers };
    }
    if (failure.status === 500) {
      return { status: 500, json: { message: "500: Internal Server Error", code: 0 }, headers };
    }
    // 502/503 come from Discord's edge as plain pages, not JSON.
    return {
      status: failure.status,
      text: `${failure.status}: ${failure.status === 502 ? "Bad Gateway" : "Service Unavailable"}`,
      headers,
    };
  }

  /** The fake CDN: `GET /attachments/{id}/{name}` answers an uploaded file's bytes. */
  private serveAttachment(pathname: string): Answer {
    const id = pathname.split("/")[2] ?? "";
    const file = this.store.findFile(id);
    if (!file) return { status: 404, text: "Not Found", headers: {} };
    return { status: 200, bytes: { data: file.bytes, contentType: file.contentType }, headers: {} };
  }
}

function checkSnowflakeParams(params: Record<string, string>): void {
  const errors = new FormErrors();
  for (const [key, value] of Object.entries(params)) {
    const field = SNOWFLAKE_PARAMS[key];
    if (field === undefined || (key === "message" && value === "@original")) continue;
    if (!isSnowflake(value))
      errors.add([field], "NUMBER_TYPE_COERCE", `Value ${JSON.stringify(value)} is not snowflake.`);
  }
  errors.throwIfAny();
}

function write(res: ServerResponse, answer: Answer): void {
  if (answer.bytes) {
    res.writeHead(answer.status, {
      ...answer.headers,
      "content-type": answer.bytes.contentType,
      "content-length": String(answer.bytes.data.length),
    });
    res.end(answer.bytes.data);
  } else if (answer.text !== undefined) {
    sendText(res, answer.status, answer.text, answer.headers);
  } else if (answer.json !== undefined) {
    sendJson(res, answer.status, answer.json, answer.headers);
  } else {
    res.writeHead(answer.status, answer.headers);
    res.end();
  }
}

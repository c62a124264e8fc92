/**
 * A strict loopback fake of Slack's Web API, its file upload URLs, incoming webhooks and
 * Socket Mode ({@link SlackFake.socketMode}), for tests that drive the real @slack/web-api
 * `WebClient` (`slackApiUrl: fake.apiUrl`), Bolt, or plain `fetch` against it. It validates what
 * Slack validates and can answer 429/5xx on demand.
 *
 * @example
 * const slack = await SlackFake.start({ botToken: "xoxb-test" });
 * slack.addChannel("C0NEWS", "news");
 * const client = new WebClient("xoxb-test", { slackApiUrl: slack.apiUrl });
 * await client.chat.postMessage({ channel: "C0NEWS", text: "hi" });
 * expect(slack.messages[0]?.text).toBe("hi");
 * await slack.close();
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { waitFor } from "../../helpers/wait.ts";
import {
  type LoopbackServer,
  mediaTypeOf,
  parseMultipart,
  readBody,
  sendJson,
  sendText,
  startLoopbackServer,
} from "../http.ts";
import { PerKeyRateLimiter } from "./ratelimit.ts";
import { readApiCall } from "./request.ts";
import { handleCommandResponse, type ResponseUrl } from "./response-url.ts";
import { SocketModeFake, type SocketModeFakeOptions } from "./socket-mode.ts";
import type { SlackChannelError, SlackCommandResponse, SlackEphemeral, SlackMessage, SlackUpload } from "./types.ts";
import { type ApiContext, type ApiResponse, WEB_API_METHODS } from "./web-api.ts";
import { handleWebhookPost, type IncomingWebhook } from "./webhook.ts";
import { SlackWorkspace } from "./workspace.ts";

export type { SlackChannelError, SlackCommandResponse, SlackEphemeral, SlackMessage, SlackUpload } from "./types.ts";

export interface SlackFakeOptions {
  /** The only bot token the fake accepts. Default "xoxb-herald-test-token". */
  botToken?: string;
  /** The only app-level token (for apps.connections.open). Default "xapp-1-A0HERALD-1-herald-test". */
  appToken?: string;
  socketMode?: SocketModeFakeOptions;
  /** chat.postMessage (and each webhook) sustained rate per channel; Slack's is 1. 0 turns limiting off. */
  perChannelPerSecond?: number;
  /** Messages a quiet channel may burst before being limited. Default 3. */
  burst?: number;
  /** Channels that exist from the start: id → name. */
  channels?: Record<string, string>;
}

/** One Web API call as the fake answered it, for asserting on retries. */
export interface SlackApiCall {
  method: string;
  status: number;
  error?: string;
  /** Which kind of token authenticated the call, once the fake had read it (never the token itself). */
  tokenType?: "bot" | "app" | "other" | "none";
}

interface InjectedFailure {
  status: 429 | 500 | 503;
  retryAfter: number;
}

const TEAM_ID = "T000";
const WEBHOOK_PATH = /^\/services\/T000\/B000\/([^/]+)$/;
const UPLOAD_PATH = /^\/upload\/v1\/([^/]+)$/;
const API_PATH = /^\/api\/([A-Za-z.]+)$/;
const RESPONSE_URL_PATH = /^\/commands\/T000\/([^/]+)\/([^/]+)$/;
/** Methods that take the app-level token (xapp-…); every other method wants the bot token. */
const APP_TOKEN_METHODS = new Set(["apps.connections.open"]);

export class SlackFake {
  /** Messages in channels, from the Web API and from webhooks, in arrival order. */
  readonly messages: SlackMessage[];
  /** Files that completed the upload flow. */
  readonly uploads: SlackUpload[];
  readonly ephemeral: SlackEphemeral[];
  /** What apps sent to slash command response_urls ({@link responseUrl}), in arrival order. */
  readonly commandResponses: SlackCommandResponse[];
  /** Every Web API call, including the ones the fake refused. */
  readonly calls: SlackApiCall[] = [];
  /** Socket Mode: the WebSocket side, reached through apps.connections.open. */
  readonly socketMode: SocketModeFake;
  readonly #http: LoopbackServer;
  readonly #workspace: SlackWorkspace;
  readonly #botToken: string;
  readonly #appToken: string;
  readonly #limiter: PerKeyRateLimiter;
  readonly #webhooks = new Map<string, IncomingWebhook>();
  readonly #responseUrls = new Map<string, ResponseUrl>();
  readonly #failures: InjectedFailure[] = [];
  readonly #rateLimitedByKey = new Map<string, number>();
  #rateLimitedCount = 0;

  private constructor(http: LoopbackServer, workspace: SlackWorkspace, options: SlackFakeOptions) {
    this.#http = http;
    this.#workspace = workspace;
    this.messages = workspace.messages;
    this.uploads = workspace.uploads;
    this.ephemeral = workspace.ephemeral;
    this.commandResponses = workspace.commandResponses;
    this.#botToken = options.botToken ?? "xoxb-herald-test-token";
    this.#appToken = options.appToken ?? "xapp-1-A0HERALD-1-herald-test";
    this.socketMode = new SocketModeFake(http.baseUrl, options.socketMode);
    http.server.on("upgrade", (req, socket, head) => this.socketMode.handleUpgrade(req, socket, head));
    this.#limiter = new PerKeyRateLimiter(options.perChannelPerSecond ?? 1, options.burst ?? 3);
    for (const [id, name] of Object.entries(options.channels ?? {})) workspace.addChannel(id, name);
  }

  static async start(options: SlackFakeOptions = {}): Promise<SlackFake> {
    const workspace = new SlackWorkspace();
    let fake: SlackFake | undefined;
    const http = await startLoopbackServer((req, res) => fake!.#handle(req, res));
    fake = new SlackFake(http, workspace, options);
    return fake;
  }

  /** "http://127.0.0.1:PORT/api/", the WebClient's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.#http.baseUrl}/api/`;
  }

  /** How many 429s the fake has answered (rate limits and injected ones). */
  get rateLimitedCount(): number {
    return this.#rateLimitedCount;
  }

  /** 429s from the rate limiter per channel id (or "webhook:<id>"). */
  get rateLimitedByChannel(): ReadonlyMap<string, number> {
    return this.#rateLimitedByKey;
  }

  /**
   * An incoming webhook URL ("http://127.0.0.1:PORT/services/T000/B000/<id>") posting into
   * `channel`; the channel is created when unknown. Posts to any other hook id get 404 no_service.
   */
  incomingWebhookUrl(id = "hook", channel = "C0WEBHOOK"): string {
    if (!this.#workspace.findChannel(channel)) this.#workspace.addChannel(channel, channel.toLowerCase());
    this.#webhooks.set(id, { id, channel });
    return `${this.#http.baseUrl}/services/T000/B000/${id}`;
  }

  /**
   * A slash command's response_url ("http://127.0.0.1:PORT/commands/T000/<id>/<secret>"), to put in
   * a signed command payload. Like Slack's, it takes JSON messages (`response_type` ephemeral or
   * in_channel, Block Kit checked) up to 5 times, and records them in {@link commandResponses}.
   */
  responseUrl(id = "command"): string {
    const secret = Math.random().toString(36).slice(2, 14);
    this.#responseUrls.set(`${id}/${secret}`, { id, uses: 0 });
    return `${this.#http.baseUrl}/commands/T000/${id}/${secret}`;
  }

  /** Resolves with all command responses once at least `n` have arrived; rejects after `timeoutMs`. */
  async waitForCommandResponses(n: number, timeoutMs = 5_000): Promise<SlackCommandResponse[]> {
    await waitFor(() => this.commandResponses.length >= n, timeoutMs, `SlackFake: ${n} command response(s)`);
    return [...this.commandResponses];
  }

  /**
   * Slack processes uploads asynchronously; until it has, image blocks showing the file answer
   * `invalid_blocks` ("invalid slack file"). Each new file is refused this many times first.
   */
  delayFileProcessing(refusals: number): void {
    this.#workspace.fileProcessingChecks = refusals;
  }

  /** Makes a channel exist; unknown channels answer `channel_not_found`. */
  addChannel(id: string, name: string = id.toLowerCase()): void {
    this.#workspace.addChannel(id, name);
  }

  /** Makes every post to `channel` fail with `error` (webhooks map it to their own codes). */
  setChannelError(channel: string, error: SlackChannelError): void {
    this.#workspace.setChannelError(channel, error);
  }

  /** Adds a workspace member for users.info. */
  /** A message a member wrote in `channel`: the bot may reply in its thread but not update or delete it. Returns its ts. */
  postAsUser(channel: string, text: string): string {
    const ts = this.#workspace.nextTs();
    this.#workspace.recordMessage({ channel, ts, text, blocks: [], files: [], via: "user" });
    return ts;
  }

  addUser(id: string, options: { isAdmin?: boolean; isOwner?: boolean; locale?: string } = {}): void {
    this.#workspace.users.set(id, {
      id,
      isAdmin: options.isAdmin ?? false,
      isOwner: options.isOwner ?? false,
      locale: options.locale ?? "en-US",
    });
  }

  /** The next `n` requests (API, upload or webhook) fail with `status`; 429s carry Retry-After (default 1 s). */
  failNext(n: number, status: 429 | 500 | 503, options: { retryAfter?: number } = {}): void {
    for (let i = 0; i < n; i += 1) this.#failures.push({ status, retryAfter: options.retryAfter ?? 1 });
  }

  /** Resolves with all messages once at least `n` have arrived; rejects after `timeoutMs`. */
  waitForMessages(n: number, timeoutMs = 5_000): Promise<SlackMessage[]> {
    return this.#workspace.waitForMessages(n, timeoutMs);
  }

  /** HTTP requests received and not yet answered: 0 once the fake has answered everything Herald sent. */
  get pendingRequests(): number {
    return this.#http.inFlight;
  }

  close(): Promise<void> {
    this.socketMode.close();
    return this.#http.close();
  }

  #countRateLimit(key?: string): void {
    this.#rateLimitedCount += 1;
    if (key !== undefined) this.#rateLimitedByKey.set(key, (this.#rateLimitedByKey.get(key) ?? 0) + 1);
  }

  #takeFailure(): InjectedFailure | undefined {
    const failure = this.#failures.shift();
    if (failure?.status === 429) this.#countRateLimit();
    return failure;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.#http.baseUrl);
    const api = API_PATH.exec(url.pathname);
    if (api) return this.#handleApi(api[1]!, req, res, url);
    const upload = UPLOAD_PATH.exec(url.pathname);
    if (upload && req.method === "POST") return this.#handleUpload(upload[1]!, req, res);
    const responseUrl = RESPONSE_URL_PATH.exec(url.pathname);
    if (responseUrl && req.method === "POST") {
      const body = await readBody(req);
      const answer = handleCommandResponse(
        this.#responseUrls.get(`${responseUrl[1]}/${responseUrl[2]}`),
        req,
        body,
        this.#workspace,
      );
      return sendText(res, answer.status, answer.text);
    }
    const webhook = WEBHOOK_PATH.exec(url.pathname);
    if (webhook && req.method === "POST") return this.#handleWebhook(webhook[1]!, req, res);
    sendText(res, 404, "not_found");
  }

  async #handleApi(method: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let tokenType: SlackApiCall["tokenType"];
    const answer = (response: ApiResponse) => {
      const error = response.body.error;
      this.calls.push({
        method,
        status: response.status,
        ...(typeof error === "string" ? { error } : {}),
        ...(tokenType ? { tokenType } : {}),
      });
      sendJson(res, response.status, response.body, response.headers);
    };
    const failure = this.#takeFailure();
    if (failure) {
      await readBody(req);
      const error = { 429: "ratelimited", 500: "internal_error", 503: "service_unavailable" }[failure.status];
      const headers: Record<string, string> =
        failure.status === 429 ? { "retry-after": String(failure.retryAfter) } : {};
      return answer({ status: failure.status, body: { ok: false, error }, headers });
    }
    const call = await readApiCall(req, url);
    if (!call.ok) return answer({ status: 200, body: { ok: false, error: call.error } });
    tokenType =
      call.token === undefined
        ? "none"
        : call.token === this.#botToken
          ? "bot"
          : call.token === this.#appToken
            ? "app"
            : "other";
    if (tokenType === "none") return answer({ status: 200, body: { ok: false, error: "not_authed" } });
    if (tokenType === "other") return answer({ status: 200, body: { ok: false, error: "invalid_auth" } });
    // A valid token of the wrong kind (bot token for apps.connections.open, app token for chat.postMessage).
    if ((tokenType === "app") !== APP_TOKEN_METHODS.has(method)) {
      return answer({ status: 200, body: { ok: false, error: "not_allowed_token_type" } });
    }
    const handler = WEB_API_METHODS.get(method);
    if (!handler) return answer({ status: 200, body: { ok: false, error: "unknown_method", req_method: method } });
    answer(handler(call.args, this.#apiContext()));
  }

  #apiContext(): ApiContext {
    return {
      workspace: this.#workspace,
      limiter: this.#limiter,
      baseUrl: this.#http.baseUrl,
      identity: { teamId: TEAM_ID, botUserId: "UHERALDBOT", botId: "BHERALDBOT" },
      onRateLimited: (key) => this.#countRateLimit(key),
      socketModeUrl: () => this.socketMode.issueUrl(),
    };
  }

  /** The upload URL takes raw bytes or a multipart body with one file part, like files.slack.com. */
  async #handleUpload(ticket: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const failure = this.#takeFailure();
    if (failure)
      return sendText(
        res,
        failure.status,
        "upload failed",
        failure.status === 429 ? { "retry-after": String(failure.retryAfter) } : {},
      );
    const fileId = this.#workspace.uploadTickets.get(ticket);
    const pending = fileId === undefined ? undefined : this.#workspace.pendingFiles.get(fileId);
    if (!pending) return sendText(res, 404, "upload URL not found or expired");
    if (pending.bytes) return sendText(res, 400, "upload URL already used");
    const contentType = req.headers["content-type"];
    if (mediaTypeOf(contentType) === "multipart/form-data") {
      const { files } = await parseMultipart(contentType ?? "", body);
      const [part, ...others] = [...files.values()];
      if (!part || others.length > 0) return sendText(res, 400, "expected exactly one file part");
      pending.bytes = part.bytes;
    } else {
      pending.bytes = body;
    }
    sendText(res, 200, `OK - ${pending.bytes.length}`);
  }

  async #handleWebhook(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const failure = this.#takeFailure();
    if (failure) {
      const headers: Record<string, string> =
        failure.status === 429 ? { "retry-after": String(failure.retryAfter) } : {};
      return sendText(res, failure.status, failure.status === 429 ? "rate_limited" : "internal_error", headers);
    }
    const hook = this.#webhooks.get(id);
    if (!hook) return sendText(res, 404, "no_service");
    const answer = handleWebhookPost(hook, body, this.#workspace, this.#limiter, (key) => this.#countRateLimit(key));
    sendText(res, answer.status, answer.text, answer.headers);
  }
}

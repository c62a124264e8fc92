import type { CommandHandler } from "./chat/types.ts";
import type { Platform } from "./errors.ts";
import type { NewsMessage, StoryUpdate } from "./message/types.ts";

/*
 * The adapter contract, in one place: what a platform adapter (adapters/<id>/)
 * gives Herald. It names no platform; each adapter fills it in, and
 * adapters/registry.ts lists them.
 */

/** The PNG that goes with a message. */
export interface CardFile {
  filename: string;
  png: Uint8Array;
}

/** What a platform answered: its id(s) for the posted message, kept so it can be edited or deleted later. */
export interface PostedMessage {
  /** Discord message id, Slack ts, Telegram message ids joined by ","; null when the platform returns none. */
  id: string | null;
}

export interface PostOptions {
  /** Same key for every attempt at the same delivery, so platforms that support it drop a repeat (Discord's nonce). */
  idempotencyKey: string;
  signal?: AbortSignal;
  /** Who this post may wake. Absent: the platform's default notification and no mention. */
  notify?: Notify;
}

/**
 * How loudly a post arrives, chosen by the destination's admins per severity. Article text never
 * pings anyone; `mention` is the only mention Herald ever sends, and the request allows exactly it.
 */
export interface Notify {
  /** An admin-configured mention put in front of the post: "<@&123>" (Discord role), "<!here>" (Slack), "@channel". */
  mention?: string;
  /** Sent without a notification: Telegram disable_notification, Discord SUPPRESS_NOTIFICATIONS, Slack no broadcast. */
  silent?: boolean;
}

/**
 * Something Herald can post a news message to: a webhook or a bot channel.
 * Implementations format with their pure formatter and map every failure
 * onto the error family in src/errors.ts.
 */
export interface Poster {
  readonly platform: Platform;
  /**
   * Send-rate limits that apply to this target (a Telegram group: one message
   * per 3 s; a Slack channel: one per second). The delivery queue spaces jobs
   * by these across all workers, so posts wait their turn instead of being refused.
   */
  readonly paces?: readonly { key: string; minIntervalMs: number }[] | undefined;
  post(message: NewsMessage, card: CardFile | null, options: PostOptions): Promise<PostedMessage>;
  /**
   * Replaces a message this poster posted (`messageId` as `post` returned it).
   * Absent where the platform cannot edit (Slack incoming webhooks): an updated
   * article is then posted again.
   */
  edit?(messageId: string, message: NewsMessage, card: CardFile | null): Promise<void>;
  /**
   * Posts what changed as a reply in the thread under a message this poster posted: Discord starts a
   * thread from it (or posts into the one it has), Slack replies with its `thread_ts`, Telegram replies
   * to it (in the same forum topic). Absent where the platform cannot (Slack incoming webhooks).
   */
  reply?(messageId: string, update: StoryUpdate, options: PostOptions): Promise<PostedMessage>;
  /** Publishes a posted message to the servers following this channel (Discord announcement channels). */
  crosspost?(messageId: string): Promise<void>;
  /** Deletes a message this poster posted (a retraction with `retractions: delete`). */
  delete?(messageId: string): Promise<void>;
}

/**
 * One chat platform. Posting is the {@link Poster} contract; edit and delete
 * act on what `post` returned. Commands arrive through the adapter's
 * connection (gateway, HTTP endpoint, socket mode, long polling, webhook)
 * and go to the handler given to `start`.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  /** A poster bound to one channel/chat. */
  poster(channelId: string): Poster;
  /** Replaces the text of a message Herald posted (`messageId` as returned by post). */
  edit(channelId: string, messageId: string, message: NewsMessage, card: CardFile | null): Promise<void>;
  delete(channelId: string, messageId: string): Promise<void>;
  /** Starts receiving commands (connect the gateway, start polling, …). HTTP modes are served through {@link httpRoutes}. */
  start(handler: CommandHandler, options?: ConnectionOptions): Promise<void>;
  /** Stops receiving commands and closes connections. Idempotent. */
  stop(): Promise<void>;
  /**
   * Endpoints to mount on Herald's HTTP server in the HTTP connection modes,
   * keyed "METHOD /path" (e.g. "POST /discord/interactions"); empty otherwise.
   * Only called after `start`. Each is a web-standard {@link HttpHandler}.
   */
  httpRoutes(): Record<string, HttpHandler>;
}

export interface ConnectionOptions {
  /**
   * Called once when the command connection ends by itself and will not come back (Telegram
   * refused the long poll, the Discord gateway closed for good); `stop` still needs calling.
   */
  onConnectionLost?: (reason: string) => void;
}

/**
 * One HTTP endpoint of an adapter, web-standard (WHATWG `Request`/`Response`,
 * global in Node 20), so no adapter is tied to node:http: Herald's server
 * adapts node:http to it once (jobs/http/web.ts). The request body streams
 * from the client as it is read and nobody has authenticated it: read it
 * with a byte limit (`readRequestBody` in adapters/shared/request-body.ts),
 * never with `request.text()` or `request.json()`, and check what can be
 * checked on the headers first. Reading it rejects with `BodyAbortedError`
 * when the client hangs up; let that propagate (there is nobody to answer).
 * Herald's server guards every route before the handler runs (per-address
 * failure budget; for `httpAuth: "signed-body"` platforms, the cap on bodies
 * read before authentication and the slow-body timeout).
 *
 * @example
 * const handler: HttpHandler = async (request) => {
 *   if (!request.headers.get("x-echo-signature")) return new Response("signature required", { status: 401 });
 *   const body = await readRequestBody(request, 64 * 1024); // 413 on BodyTooLargeError
 *   if (!signatureValid(request.headers, body)) return new Response("bad signature", { status: 401 });
 *   return Response.json({ ok: true });
 * };
 */
export type HttpHandler = (request: Request) => Promise<Response>;

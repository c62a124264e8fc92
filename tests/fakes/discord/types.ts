/** Public record types of the Discord fake: what tests read back after the client talked to it. */
import type { GatewayFakeOptions } from "./gateway.ts";

/** How the fake is started. Every field is optional. */
export interface DiscordFakeOptions {
  /** Expected bot token; requests must carry `Authorization: Bot <token>`. Without it, any non-empty `Bot …` token is accepted. */
  botToken?: string;
  /** Enforce per-route buckets and the global limit with 429s. Off by default: buckets are then so large a client never waits, but the headers are still sent. */
  rateLimits?: boolean;
  /** Requests per bucket window (default 5, like Discord's channel message bucket). */
  bucketLimit?: number;
  /** Bucket window length in ms (default 5000: 5 messages per 5 s). */
  bucketResetMs?: number;
  /** Global requests per second across all routes but interaction callbacks (default 50). */
  globalPerSecond?: number;
  /** Crossposts allowed per channel per hour before 429s (default 10, Discord's limit). */
  crosspostsPerHour?: number;
  /** Wait this long before answering each request (a slow network, so a test can interrupt work in flight). */
  responseDelayMs?: number;
  /**
   * Also start a gateway fake, reachable as `fake.gateway`, and answer its URL from
   * `GET /gateway/bot`, so a discord.js `Client` can log in. Its `botToken` defaults to this
   * one. Off by default.
   */
  gateway?: boolean | GatewayFakeOptions;
}

/** One uploaded file, as the fake received it. */
export interface RecordedFile {
  /** Attachment id the fake gave it (a snowflake string). */
  id: string;
  /** Effective file name: `attachments[n].filename` when given, else the multipart part's filename. */
  name: string;
  contentType: string;
  size: number;
  bytes: Buffer;
}

/** A message created through a channel or a webhook. Edits update `body`/`files` in place. */
export interface RecordedMessage {
  channelId: string | null;
  webhookId: string | null;
  id: string;
  /** Parsed JSON body or `payload_json`, with later edits merged in. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary Discord payload fields.
  body: any;
  files: RecordedFile[];
  nonce?: string;
  /** The thread a webhook posted into (`?thread_id=`). */
  threadId?: string;
  /** A member's message (`DiscordFake.postAsMember`); absent for the bot's and webhooks' own. */
  authorId?: string;
  /** Set once the message was published to following channels. */
  crosspostedAt?: number;
  receivedAt: number;
  editedAt?: number;
  deletedAt?: number;
}

/** A thread started from a message: its id is the message's, its parent the message's channel. */
export interface RecordedThread {
  id: string;
  parentId: string;
  name: string;
  autoArchiveDuration: number;
}

/** An interaction callback, original-response edit or follow-up. */
export interface RecordedInteractionResponse {
  kind: "callback" | "edit-original" | "followup";
  /** Set for callbacks (`/interactions/{id}/{token}/callback`). */
  interactionId: string | null;
  /** Set for edits and follow-ups (`/webhooks/{application.id}/{token}/…`). */
  applicationId: string | null;
  token: string;
  /** Id of the message this response created or edited (`@original` has one id per interaction). */
  messageId: string;
  /** Interaction callback type (4 = message, 5 = deferred, …) for callbacks. */
  type?: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary Discord payload fields.
  body: any;
  files: RecordedFile[];
  receivedAt: number;
}

/** One bulk overwrite of application commands (`PUT …/commands`). */
export interface RecordedCommandSet {
  applicationId: string;
  /** `null` for global commands. */
  guildId: string | null;
  /** The commands as the fake answered them (with ids). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary command fields.
  commands: any[];
  receivedAt: number;
}

/** Every request the fake answered, with the status it answered. */
export interface RecordedRequest {
  method: string;
  /** Path and query string, e.g. `/api/v10/channels/1/messages`. */
  path: string;
  status: number;
}

import type { Platform } from "./errors.ts";
import type { NewsMessage } from "./message/types.ts";

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
  readonly paces?: readonly { key: string; minIntervalMs: number }[];
  post(message: NewsMessage, card: CardFile | null, options: PostOptions): Promise<PostedMessage>;
  /**
   * Replaces a message this poster posted (`messageId` as `post` returned it).
   * Absent where the platform cannot edit (Slack incoming webhooks): an updated
   * article is then posted again.
   */
  edit?(messageId: string, message: NewsMessage, card: CardFile | null): Promise<void>;
}

/**
 * Posting, editing and deleting news messages in a Discord channel as the bot,
 * through the adapter's shared REST client. The body comes from the pure
 * formatter, told that the card is uploaded exactly when there is a PNG: the
 * PNG goes as `files[0]` and the embed shows it through `attachment://<filename>`
 * (formatDiscord lists it as attachment 0 with alt text).
 */
import { createHash } from "node:crypto";
import type { RawFile, REST } from "@discordjs/rest";
import { type APIMessage, Routes } from "discord.js";
import type { CardFile, PostedMessage, Poster, PostOptions } from "../../src/adapter.ts";
import { uploadedCard } from "../../src/message/card-placement.ts";
import type { NewsMessage, StoryUpdate } from "../../src/message/types.ts";
import { threadName } from "../shared/story-update.ts";
import { toDiscordError, UNKNOWN_MESSAGE } from "./errors.ts";
import { formatDiscord, formatDiscordUpdate } from "./format.ts";

/** Discord's nonce limit. */
const NONCE_LENGTH = 25;

/**
 * The nonce for one delivery to one channel: the same for every attempt, so
 * `enforce_nonce` makes Discord answer the earlier message instead of posting
 * twice. Discord only remembers nonces for a few minutes; a retry after that
 * posts again.
 */
export function nonceFor(idempotencyKey: string, channelId: string): string {
  return createHash("sha256").update(`${idempotencyKey}\n${channelId}`).digest("hex").slice(0, NONCE_LENGTH);
}

/** The card as @discordjs/rest's `files[0]` upload. */
export function cardUpload(card: CardFile): RawFile {
  return { name: card.filename, data: Buffer.from(card.png), contentType: "image/png" };
}

/** Posts to one channel. */
export class DiscordPoster implements Poster {
  readonly platform = "discord" as const;

  constructor(
    private readonly rest: REST,
    private readonly channelId: string,
  ) {}

  async post(message: NewsMessage, card: CardFile | null, options: PostOptions): Promise<PostedMessage> {
    const body = {
      ...formatDiscord(message, uploadedCard(card), options.notify),
      nonce: nonceFor(options.idempotencyKey, this.channelId),
      enforce_nonce: true,
    };
    try {
      const answer = (await this.rest.post(Routes.channelMessages(this.channelId), {
        body,
        files: card ? [cardUpload(card)] : undefined,
        signal: options.signal,
      })) as APIMessage;
      return { id: answer.id };
    } catch (error) {
      throw toDiscordError(error);
    }
  }

  edit(messageId: string, message: NewsMessage, card: CardFile | null): Promise<void> {
    return editDiscordMessage(this.rest, this.channelId, messageId, message, card);
  }

  /**
   * Posts the update into the thread under the message: started from it (named after the article,
   * the thread's id is the message's), or the one already started (160004: a retry, or an earlier
   * update). When the destination is itself a thread — a forum post, whose starter message cannot
   * start another — the update goes into that thread (50024).
   */
  async reply(messageId: string, update: StoryUpdate, options: PostOptions): Promise<PostedMessage> {
    const threadId = await this.threadFor(messageId, update, options.signal);
    const body = {
      ...formatDiscordUpdate(update, options.notify),
      nonce: nonceFor(options.idempotencyKey, threadId),
      enforce_nonce: true,
    };
    try {
      const answer = (await this.rest.post(Routes.channelMessages(threadId), {
        body,
        signal: options.signal,
      })) as APIMessage;
      return { id: answer.id };
    } catch (error) {
      throw toDiscordError(error);
    }
  }

  /** Publishes the message to the channels following this announcement channel. A 429 is a RateLimitError. */
  async crosspost(messageId: string): Promise<void> {
    try {
      await this.rest.post(Routes.channelMessageCrosspost(this.channelId, messageId));
    } catch (error) {
      throw toDiscordError(error);
    }
  }

  delete(messageId: string): Promise<void> {
    return deleteDiscordMessage(this.rest, this.channelId, messageId);
  }

  private async threadFor(messageId: string, update: StoryUpdate, signal: AbortSignal | undefined): Promise<string> {
    try {
      await this.rest.post(Routes.threads(this.channelId, messageId), {
        body: { name: threadName(update), auto_archive_duration: THREAD_ARCHIVE_MINUTES },
        signal,
      });
      return messageId;
    } catch (error) {
      const mapped = toDiscordError(error);
      if (mapped.platformCode === THREAD_ALREADY_CREATED) return messageId;
      if (mapped.platformCode === WRONG_CHANNEL_TYPE) return this.channelId;
      throw mapped;
    }
  }
}

/** "A thread has already been created for this message": its id is the message's. */
const THREAD_ALREADY_CREATED = 160004;
/** "Cannot execute action on this channel type": the message is in a thread already (a forum post). */
const WRONG_CHANNEL_TYPE = 50024;
/** A day: long enough for a developing story; a later update unarchives the thread by posting. */
const THREAD_ARCHIVE_MINUTES = 1440;

/**
 * Replaces a posted message's embed. A new card replaces the old attachment;
 * without one, the old card is removed (`attachments: []`) so it cannot linger
 * beside a text timeline.
 */
export async function editDiscordMessage(
  rest: REST,
  channelId: string,
  messageId: string,
  message: NewsMessage,
  card: CardFile | null,
): Promise<void> {
  const body = formatDiscord(message, uploadedCard(card));
  body.attachments ??= [];
  try {
    await rest.patch(Routes.channelMessage(channelId, messageId), {
      body,
      files: card ? [cardUpload(card)] : undefined,
    });
  } catch (error) {
    throw toDiscordError(error);
  }
}

/** Deletes a posted message. One that is already gone counts as deleted, so a retried delete succeeds. */
export async function deleteDiscordMessage(rest: REST, channelId: string, messageId: string): Promise<void> {
  try {
    await rest.delete(Routes.channelMessage(channelId, messageId));
  } catch (error) {
    const mapped = toDiscordError(error);
    if (mapped.platformCode === UNKNOWN_MESSAGE) return;
    throw mapped;
  }
}

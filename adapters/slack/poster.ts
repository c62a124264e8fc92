/**
 * Posting, editing and deleting Herald's messages in Slack channels.
 *
 * Without a card: chat.postMessage with formatSlack's text and blocks. With a
 * card: the PNG is uploaded privately first, then formatSlack lays out the
 * message around the hosted file (an image block with `slack_file`) and
 * chat.postMessage shows it — see card-upload.ts for why. The returned id is the
 * message ts, plus "|fileId" when a card was uploaded (ids.ts).
 * Rate limits are absorbed by the WebClient (client.ts). Slack has no
 * idempotency key for chat.postMessage, so `idempotencyKey` is not sent.
 */
import type { WebClient } from "@slack/web-api";
import type { CardFile, Notify, PostedMessage, Poster, PostOptions } from "../../src/adapter.ts";
import { AdapterError } from "../../src/errors.ts";
import type { Log } from "../../src/log.ts";
import { hostedCard, linkedCard } from "../../src/message/card-placement.ts";
import type { NewsMessage, StoryUpdate } from "../../src/message/types.ts";
import {
  CARD_NOT_READY,
  deleteCardQuietly,
  isCardNotReady,
  uploadPrivateCard,
  whileCardProcessing,
} from "./card-upload.ts";
import { toSlackError } from "./errors.ts";
import { formatSlack, formatSlackUpdate, type SlackMessage, wakes } from "./format.ts";
import { decodeMessageId, encodeMessageId } from "./ids.ts";

export interface SlackMessengerOptions {
  log: Log;
  /** Waits while Slack processes a fresh card upload; see card-upload.ts. */
  cardWaitsMs: readonly number[];
}

export class SlackMessenger {
  constructor(
    private readonly client: WebClient,
    private readonly options: SlackMessengerOptions,
  ) {}

  async post(
    channel: string,
    message: NewsMessage,
    card: CardFile | null,
    signal?: AbortSignal,
    notify?: Notify,
  ): Promise<PostedMessage> {
    signal?.throwIfAborted();
    const post = (payload: SlackMessage) => async () => {
      const answer = await this.client.chat.postMessage({ channel, ...payload });
      if (!answer.ts) throw new Error("chat.postMessage answered without a ts");
      return answer.ts;
    };
    // Without an upload the card shows only from a public URL, when one is configured.
    const withoutUpload = () => formatSlack(message, linkedCard(message.card), notify);
    if (!card) return { id: encodeMessageId(await mapped("chat.postMessage", post(withoutUpload())), null) };

    const fileId = await uploadPrivateCard(this.client, card, message);
    const ts = await this.showingCard(
      "chat.postMessage",
      fileId,
      post(formatSlack(message, hostedCard(fileId), notify)),
      signal,
    );
    if (ts !== CARD_NOT_READY) return { id: encodeMessageId(ts, fileId) };
    this.options.log.warn(
      { channel, fileId, articleId: message.articleId },
      "Slack had not processed the card in time; posting without it",
    );
    return { id: encodeMessageId(await mapped("chat.postMessage", post(withoutUpload())), null) };
  }

  /**
   * Replaces the message's text; with a card, a fresh upload replaces the old
   * one (the old file is deleted once the message shows the new one).
   */
  async edit(channel: string, messageId: string, message: NewsMessage, card: CardFile | null): Promise<void> {
    const { ts, fileId: oldFileId } = decodeMessageId(messageId);
    const update = (payload: SlackMessage) => async () => {
      await this.client.chat.update({ channel, ts, ...payload });
    };
    let shownFileId: string | null = null;
    if (card) {
      const fileId = await uploadPrivateCard(this.client, card, message);
      const shown = await this.showingCard("chat.update", fileId, update(formatSlack(message, hostedCard(fileId))));
      if (shown !== CARD_NOT_READY) shownFileId = fileId;
    }
    if (!shownFileId) await mapped("chat.update", update(formatSlack(message, linkedCard(message.card))));
    if (oldFileId && oldFileId !== shownFileId) await deleteCardQuietly(this.client, oldFileId, this.options.log);
  }

  /**
   * Replies in the thread of the message (`thread_ts` = its ts). A reply meant to wake someone (a
   * mention, not silent) is also shown in the channel (`reply_broadcast`); a silent one never is.
   */
  async reply(channel: string, messageId: string, update: StoryUpdate, notify?: Notify): Promise<PostedMessage> {
    const { ts } = decodeMessageId(messageId);
    const broadcast = wakes(notify);
    const answer = await mapped("chat.postMessage (thread reply)", () =>
      this.client.chat.postMessage({
        channel,
        thread_ts: ts,
        ...formatSlackUpdate(update, notify),
        reply_broadcast: broadcast,
      }),
    );
    if (!answer.ts) throw new Error("chat.postMessage answered without a ts");
    return { id: encodeMessageId(answer.ts, null) };
  }

  /** Deletes the message, then its card file when it had one. */
  async delete(channel: string, messageId: string): Promise<void> {
    const { ts, fileId } = decodeMessageId(messageId);
    await mapped("chat.delete", () => this.client.chat.delete({ channel, ts }));
    if (fileId) await deleteCardQuietly(this.client, fileId, this.options.log);
  }

  /**
   * Runs `send` (which shows card file `fileId`) while Slack is still
   * processing the upload. When it fails, or Slack never got ready, the file
   * is deleted: nothing shows it.
   */
  private async showingCard<T>(
    action: string,
    fileId: string,
    send: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T | typeof CARD_NOT_READY> {
    try {
      signal?.throwIfAborted();
      const result = await whileCardProcessing(send, isCardNotReady, this.options.cardWaitsMs, signal);
      if (result === CARD_NOT_READY) await deleteCardQuietly(this.client, fileId, this.options.log);
      return result;
    } catch (error) {
      await deleteCardQuietly(this.client, fileId, this.options.log);
      throw signal?.aborted ? error : toSlackError(error, action);
    }
  }
}

/** Runs one Web API call, throwing Herald's error for its failure. */
async function mapped<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof AdapterError ? error : toSlackError(error, action);
  }
}

/** Slack: "1 message per second per channel, short bursts allowed". A delivery is one message (the card upload is not). */
export const SLACK_CHANNEL_INTERVAL_MS = 1_000;

/** A {@link Poster} bound to one channel. */
export class SlackPoster implements Poster {
  readonly platform = "slack" as const;
  /** Lets the delivery queue space posts to this channel, so the WebClient's 429 retries stay the exception. */
  readonly paces: readonly { key: string; minIntervalMs: number }[];
  constructor(
    private readonly messenger: SlackMessenger,
    private readonly channel: string,
  ) {
    this.paces = [{ key: `slack:${channel}`, minIntervalMs: SLACK_CHANNEL_INTERVAL_MS }];
  }

  post(message: NewsMessage, card: CardFile | null, options: PostOptions): Promise<PostedMessage> {
    return this.messenger.post(this.channel, message, card, options.signal, options.notify);
  }

  edit(messageId: string, message: NewsMessage, card: CardFile | null): Promise<void> {
    return this.messenger.edit(this.channel, messageId, message, card);
  }

  reply(messageId: string, update: StoryUpdate, options: PostOptions): Promise<PostedMessage> {
    options.signal?.throwIfAborted();
    return this.messenger.reply(this.channel, messageId, update, options.notify);
  }

  delete(messageId: string): Promise<void> {
    return this.messenger.delete(this.channel, messageId);
  }
}

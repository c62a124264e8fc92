/**
 * What the fake remembers: created messages (with edits merged in), the nonces that
 * `enforce_nonce` deduplicates on, and the Discord message objects it answers with.
 */

import { fakeSnowflake } from "./snowflake.ts";
import type { RecordedFile, RecordedMessage } from "./types.ts";
import type { NamedUpload } from "./validate.ts";

/** "The past few minutes" of the docs' `enforce_nonce` description. */
export const NONCE_WINDOW_MS = 5 * 60_000;

/** The bot user the fake says authored channel messages. */
export const FAKE_BOT_USER = { id: "1100000000000000001", username: "herald-fake-bot", discriminator: "0", bot: true };

export function toRecordedFile(upload: NamedUpload): RecordedFile {
  return {
    id: fakeSnowflake(),
    name: upload.name,
    contentType: upload.contentType,
    size: upload.bytes.length,
    bytes: upload.bytes,
  };
}

interface Waiter {
  count: number;
  resolve: (messages: RecordedMessage[]) => void;
}

export class MessageStore {
  readonly messages: RecordedMessage[] = [];
  private readonly byId = new Map<string, RecordedMessage>();
  private readonly nonces = new Map<string, { messageId: string; at: number }>();
  private waiters: Waiter[] = [];

  create(input: {
    channelId: string | null;
    webhookId: string | null;
    // biome-ignore lint/suspicious/noExplicitAny: arbitrary Discord payload.
    body: any;
    uploads: readonly NamedUpload[];
    nonce?: string | undefined;
    authorId?: string | undefined;
  }): RecordedMessage {
    const now = Date.now();
    const message: RecordedMessage = {
      channelId: input.channelId,
      webhookId: input.webhookId,
      id: fakeSnowflake(now),
      body: input.body,
      files: input.uploads.map(toRecordedFile),
      ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
      ...(input.authorId !== undefined ? { authorId: input.authorId } : {}),
      receivedAt: now,
    };
    this.messages.push(message);
    this.byId.set(message.id, message);
    this.notify();
    return message;
  }

  /** A live (not deleted) message by id. */
  find(id: string): RecordedMessage | undefined {
    const message = this.byId.get(id);
    return message && message.deletedAt === undefined ? message : undefined;
  }

  /** The message an `enforce_nonce` create in `channelId` with `nonce` must return instead of creating one. */
  findByNonce(channelId: string, nonce: string, now = Date.now()): RecordedMessage | undefined {
    const entry = this.nonces.get(`${channelId}:${nonce}`);
    if (!entry || now - entry.at > NONCE_WINDOW_MS) return undefined;
    return this.find(entry.messageId);
  }

  rememberNonce(channelId: string, nonce: string, messageId: string): void {
    this.nonces.set(`${channelId}:${nonce}`, { messageId, at: Date.now() });
  }

  /** Applies a PATCH: sent fields replace old ones (`null` clears), attachments are kept or replaced as v10 says. */
  edit(
    message: RecordedMessage,
    payload: Record<string, unknown>,
    uploads: readonly NamedUpload[],
    keptAttachmentIds: readonly string[] | undefined,
  ): void {
    for (const [key, value] of Object.entries(payload)) {
      if (key === "attachments") continue;
      if (value === null) delete message.body[key];
      else message.body[key] = value;
    }
    const kept = keptAttachmentIds
      ? message.files.filter((file) => keptAttachmentIds.includes(file.id))
      : message.files;
    message.files = [...kept, ...uploads.map(toRecordedFile)];
    message.editedAt = Date.now();
  }

  delete(message: RecordedMessage): void {
    message.deletedAt = Date.now();
  }

  /** A file by attachment id, for the fake CDN. */
  findFile(id: string): RecordedFile | undefined {
    for (const message of this.messages) {
      const file = message.files.find((candidate) => candidate.id === id);
      if (file) return file;
    }
    return undefined;
  }

  waitFor(count: number, timeoutMs: number): Promise<RecordedMessage[]> {
    if (this.messages.length >= count) return Promise.resolve([...this.messages]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { count, resolve };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(
          new Error(`Discord fake: expected ${count} messages within ${timeoutMs} ms, got ${this.messages.length}`),
        );
      }, timeoutMs);
      waiter.resolve = (messages) => {
        clearTimeout(timer);
        resolve(messages);
      };
      this.waiters.push(waiter);
    });
  }

  private notify(): void {
    const ready = this.waiters.filter((waiter) => this.messages.length >= waiter.count);
    this.waiters = this.waiters.filter((waiter) => this.messages.length < waiter.count);
    for (const waiter of ready) waiter.resolve([...this.messages]);
  }
}

/** The Discord message object the API answers a create or edit with. */
export function toApiMessage(
  message: RecordedMessage,
  opts: { baseUrl: string; channelId: string; author?: Record<string, unknown> },
): Record<string, unknown> {
  const body = message.body ?? {};
  return {
    id: message.id,
    type: 0,
    channel_id: opts.channelId,
    author:
      opts.author ??
      (message.authorId !== undefined
        ? { id: message.authorId, username: "member", discriminator: "0", bot: false }
        : FAKE_BOT_USER),
    content: typeof body.content === "string" ? body.content : "",
    embeds: Array.isArray(body.embeds) ? body.embeds.map((embed: object) => ({ type: "rich", ...embed })) : [],
    attachments: message.files.map((file) => ({
      id: file.id,
      filename: file.name,
      size: file.size,
      content_type: file.contentType,
      url: `${opts.baseUrl}/attachments/${file.id}/${encodeURIComponent(file.name)}`,
      proxy_url: `${opts.baseUrl}/attachments/${file.id}/${encodeURIComponent(file.name)}`,
    })),
    components: Array.isArray(body.components) ? body.components : [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: body.tts === true,
    flags: typeof body.flags === "number" ? body.flags : 0,
    timestamp: new Date(message.receivedAt).toISOString(),
    edited_timestamp: message.editedAt === undefined ? null : new Date(message.editedAt).toISOString(),
    ...(message.nonce !== undefined ? { nonce: message.nonce } : {}),
    ...(message.webhookId !== null ? { webhook_id: message.webhookId } : {}),
  };
}

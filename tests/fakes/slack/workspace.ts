/** The state of the fake Slack workspace: channels, users, messages and files. */
import type {
  SlackChannel,
  SlackChannelError,
  SlackCommandResponse,
  SlackEphemeral,
  SlackMessage,
  SlackUpload,
  SlackUser,
} from "./types.ts";

/** A file announced by files.getUploadURLExternal, waiting for its bytes and its completion. */
export interface PendingFile {
  fileId: string;
  filename: string;
  declaredLength: number;
  altText?: string;
  bytes?: Buffer;
}

interface MessageWaiter {
  count: number;
  resolve: (messages: SlackMessage[]) => void;
}

export class SlackWorkspace {
  readonly channels = new Map<string, SlackChannel>();
  readonly users = new Map<string, SlackUser>();
  readonly messages: SlackMessage[] = [];
  readonly uploads: SlackUpload[] = [];
  readonly ephemeral: SlackEphemeral[] = [];
  readonly commandResponses: SlackCommandResponse[] = [];
  /**
   * Slack processes uploads asynchronously: until it is done, image blocks naming the file are
   * refused. This many such uses of each new file are refused before it counts as processed.
   */
  fileProcessingChecks = 0;
  readonly #processingLeft = new Map<string, number>();
  /** file id → pending upload. */
  readonly pendingFiles = new Map<string, PendingFile>();
  /** secret path segment of an upload URL → file id. */
  readonly uploadTickets = new Map<string, string>();
  #sequence = 0;
  #waiters: MessageWaiter[] = [];

  /** A message timestamp: unique and increasing, shaped like Slack's "1700000000.000100". */
  nextTs(): string {
    this.#sequence += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.#sequence).padStart(6, "0")}`;
  }

  /** A Slack-shaped id such as "F0000000007". */
  nextId(prefix: string): string {
    this.#sequence += 1;
    return `${prefix}${String(this.#sequence).padStart(10, "0")}`;
  }

  addChannel(id: string, name: string): SlackChannel {
    const existing = this.channels.get(id);
    if (existing) {
      existing.name = name;
      return existing;
    }
    const channel: SlackChannel = { id, name };
    this.channels.set(id, channel);
    return channel;
  }

  setChannelError(id: string, error: SlackChannelError): void {
    const channel = this.channels.get(id) ?? this.addChannel(id, id.toLowerCase());
    channel.error = error;
  }

  /** Resolves a channel id ("C0123"), or a name with or without "#", like Slack's `channel` argument. */
  findChannel(reference: string): SlackChannel | undefined {
    const byId = this.channels.get(reference);
    if (byId) return byId;
    const name = reference.replace(/^#/, "");
    for (const channel of this.channels.values()) if (channel.name === name) return channel;
    return undefined;
  }

  findMessage(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.find((message) => message.channel === channel && message.ts === ts && !message.deleted);
  }

  /** Whether an image block may show file `id`: it exists, is not deleted, and is processed. */
  slackFileUsable(id: string): boolean {
    const upload = this.uploads.find((candidate) => candidate.fileId === id && !candidate.deleted);
    if (!upload) return false;
    const left = this.#processingLeft.get(id) ?? this.fileProcessingChecks;
    this.#processingLeft.set(id, Math.max(0, left - 1));
    return left <= 0;
  }

  recordMessage(message: SlackMessage): void {
    this.messages.push(message);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.messages.length < waiter.count) return true;
      waiter.resolve([...this.messages]);
      return false;
    });
  }

  waitForMessages(count: number, timeoutMs: number): Promise<SlackMessage[]> {
    if (this.messages.length >= count) return Promise.resolve([...this.messages]);
    return new Promise((resolve, reject) => {
      const waiter: MessageWaiter = {
        count,
        resolve: (messages) => {
          clearTimeout(timer);
          resolve(messages);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        reject(new Error(`SlackFake: waited ${timeoutMs} ms for ${count} message(s), got ${this.messages.length}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }
}

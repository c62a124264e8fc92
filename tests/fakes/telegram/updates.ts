/**
 * getUpdates as Telegram runs it: updates wait in a queue, `offset` confirms (drops) everything
 * below it, a request with `timeout` is held until an update arrives, and a second poller ends
 * the first with 409 Conflict (counted: two bot instances polling at once). A poll whose client
 * hung up is dropped without a conflict, as Telegram forgets a closed connection. Also builders
 * for realistic updates.
 */
import { conflict } from "./errors.ts";
import { chatTypeOf } from "./validate.ts";

export type Update = Record<string, unknown> & { update_id: number };

/** Update kinds Telegram only delivers when asked for in allowed_updates. */
const OPT_IN_KINDS = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

interface PendingPoll {
  limit: number;
  allowed: string[] | undefined;
  resolve: (updates: Update[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

function kindOf(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

export class UpdateQueue {
  #queue: Update[] = [];
  #nextId = 100_000_001;
  #pending: PendingPoll | undefined;
  #conflicts = 0;

  /** Queues an update, numbering it when it has no update_id; returns the id. */
  push(update: object): number {
    const given = (update as { update_id?: unknown }).update_id;
    const updateId = typeof given === "number" ? given : this.#nextId;
    this.#nextId = Math.max(this.#nextId, updateId + 1);
    this.#queue.push({ ...update, update_id: updateId });
    this.#wake();
    return updateId;
  }

  /** Whether a getUpdates call is being held open right now. */
  get isPolling(): boolean {
    return this.#pending !== undefined;
  }

  /** Held polls ended by a second concurrent poller (409 "terminated by other getUpdates request"). */
  get conflicts(): number {
    return this.#conflicts;
  }

  /** Updates not yet confirmed by an offset. */
  get pending(): readonly Update[] {
    return this.#queue;
  }

  /**
   * One getUpdates call: confirms updates below `offset` (a negative offset keeps only the last
   * -offset updates), then answers at once or holds the call for up to `timeoutSeconds`.
   */
  poll(
    offset: number,
    limit: number,
    timeoutSeconds: number,
    allowed: string[] | undefined,
    signal?: AbortSignal,
  ): Promise<Update[]> {
    if (this.#pending) {
      const superseded = this.#pending;
      this.#pending = undefined;
      this.#conflicts += 1;
      clearTimeout(superseded.timer);
      superseded.reject(
        conflict("terminated by other getUpdates request; make sure that only one bot instance is running"),
      );
    }
    this.#confirm(offset);
    const ready = this.#deliverable(limit, allowed);
    if (ready.length > 0 || timeoutSeconds <= 0) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        resolve(this.#deliverable(limit, allowed));
      }, timeoutSeconds * 1000);
      const pending: PendingPoll = { limit, allowed, resolve, reject, timer };
      this.#pending = pending;
      signal?.addEventListener("abort", () => {
        if (this.#pending !== pending) return;
        this.#pending = undefined;
        clearTimeout(timer);
        resolve([]);
      });
    });
  }

  /** deleteWebhook/setWebhook with drop_pending_updates. */
  dropAll(): void {
    this.#queue = [];
  }

  /** Ends a held poll with no updates (used when the fake shuts down). */
  releasePoll(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve([]);
  }

  #confirm(offset: number): void {
    if (offset > 0) this.#queue = this.#queue.filter((update) => update.update_id >= offset);
    else if (offset < 0) this.#queue = this.#queue.slice(offset);
  }

  /** Drops updates the poller did not subscribe to (Telegram never stores them) and returns up to `limit`. */
  #deliverable(limit: number, allowed: string[] | undefined): Update[] {
    const wanted = (update: Update) => {
      const kind = kindOf(update);
      return allowed && allowed.length > 0 ? allowed.includes(kind) : !OPT_IN_KINDS.has(kind);
    };
    this.#queue = this.#queue.filter(wanted);
    return this.#queue.slice(0, limit);
  }

  #wake(): void {
    const pending = this.#pending;
    if (!pending) return;
    const ready = this.#deliverable(pending.limit, pending.allowed);
    if (ready.length === 0) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(ready);
  }
}

let nextIncomingMessageId = 1;

function chatObject(chatId: number): Record<string, unknown> {
  const type = chatTypeOf(String(chatId));
  return type === "private"
    ? { id: chatId, type, first_name: "Reader" }
    : { id: chatId, type, title: "Herald readers" };
}

/**
 * A `message` update as a user would send it, with the `bot_command` entity Telegram adds to
 * "/command …" texts (grammY's `bot.command()` matches on that entity, not on the text).
 *
 * @example fake.pushUpdate(textMessageUpdate({ chatId: 4242, text: "/news latest" }))
 */
export function textMessageUpdate(options: {
  chatId: number;
  text: string;
  userId?: number;
  messageId?: number;
}): object {
  const userId = options.userId ?? (options.chatId > 0 ? options.chatId : 777_001);
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(options.text);
  return {
    message: {
      message_id: options.messageId ?? nextIncomingMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: chatObject(options.chatId),
      from: { id: userId, is_bot: false, first_name: "Reader", language_code: "ko" },
      text: options.text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
    },
  };
}

/** A `callback_query` update, as when a user presses an inline keyboard button. */
export function callbackQueryUpdate(options: {
  chatId: number;
  data: string;
  userId?: number;
  messageId?: number;
  id?: string;
}): object {
  const userId = options.userId ?? 777_001;
  return {
    callback_query: {
      id: options.id ?? `cbq-${nextIncomingMessageId++}`,
      from: { id: userId, is_bot: false, first_name: "Reader" },
      chat_instance: `ci-${options.chatId}`,
      data: options.data,
      message: {
        message_id: options.messageId ?? 1,
        date: Math.floor(Date.now() / 1000),
        chat: chatObject(options.chatId),
        text: "…",
      },
    },
  };
}

/** The fake bot's world: chats and their messages, members, commands, webhook, callback queries. */
import { badRequest, forbidden } from "./errors.ts";
import type { CallbackAnswer, ChatErrorKind, ChatMemberStatus, StoredMessage, TelegramSent } from "./types.ts";
import { chatTypeOf } from "./validate.ts";

interface SentWaiter {
  count: number;
  resolve: (sent: TelegramSent[]) => void;
}

export class BotState {
  readonly sent: TelegramSent[] = [];
  readonly callbackAnswers: CallbackAnswer[] = [];
  /** "scope JSON|language_code" → commands, as setMyCommands stored them. */
  readonly myCommands = new Map<string, unknown[]>();
  /** Callback query ids pushed in updates and not answered yet. */
  readonly openCallbackQueries = new Set<string>();
  /** file_id → bytes of photos the fake has stored, so they can be re-sent by id. */
  readonly photoFiles = new Map<string, Buffer>();
  webhookUrl = "";
  readonly #messages = new Map<string, Map<number, StoredMessage>>();
  readonly #chatErrors = new Map<string, ChatErrorKind>();
  readonly #members = new Map<string, Map<number, ChatMemberStatus>>();
  /** Forum supergroups: chat id → its topic ids (message_thread_id). */
  readonly #topics = new Map<string, Set<number>>();
  #nextMessageId = 1;
  #waiters: SentWaiter[] = [];

  setChatError(chatId: string, kind: ChatErrorKind): void {
    this.#chatErrors.set(chatId, kind);
  }

  setChatMember(chatId: string, userId: number, status: ChatMemberStatus): void {
    const members = this.#members.get(chatId) ?? new Map<number, ChatMemberStatus>();
    members.set(userId, status);
    this.#members.set(chatId, members);
  }

  addForumTopic(chatId: string, topicId: number): void {
    const topics = this.#topics.get(chatId) ?? new Set<number>();
    topics.add(topicId);
    this.#topics.set(chatId, topics);
  }

  /** message_thread_id must name a topic of a forum chat, as Telegram checks. */
  checkTopic(chatId: string, topicId: number | undefined): void {
    if (topicId === undefined) return;
    if (!this.#topics.get(chatId)?.has(topicId)) throw badRequest("message thread not found");
  }

  memberStatus(chatId: string, userId: number): ChatMemberStatus | undefined {
    return this.#members.get(chatId)?.get(userId);
  }

  /**
   * Throws the error configured for a chat. `reading` calls (getChat, getChatMember) are not
   * refused for missing admin rights, only for a missing chat or a kicked bot.
   */
  checkChat(chatId: string, purpose: "write" | "read"): void {
    const kind = this.#chatErrors.get(chatId);
    if (kind === "chat_not_found") throw badRequest("chat not found");
    if (kind === "kicked") {
      const type = chatTypeOf(chatId);
      if (type === "private") throw forbidden("bot was blocked by the user");
      if (type === "channel") throw forbidden("bot is not a member of the channel chat");
      throw forbidden(`bot was kicked from the ${type} chat`);
    }
    if (kind === "not_admin" && purpose === "write") throw badRequest("need administrator rights in the channel chat");
  }

  storeMessage(message: Omit<StoredMessage, "messageId" | "date">): StoredMessage {
    const stored: StoredMessage = { ...message, messageId: this.#nextMessageId++, date: Math.floor(Date.now() / 1000) };
    const chat = this.#messages.get(message.chatId) ?? new Map<number, StoredMessage>();
    chat.set(stored.messageId, stored);
    this.#messages.set(message.chatId, chat);
    return stored;
  }

  findMessage(chatId: string, messageId: number): StoredMessage | undefined {
    return this.#messages.get(chatId)?.get(messageId);
  }

  deleteMessage(chatId: string, messageId: number): boolean {
    return this.#messages.get(chatId)?.delete(messageId) ?? false;
  }

  /** Messages currently in a chat, oldest first. */
  messagesIn(chatId: string): StoredMessage[] {
    return [...(this.#messages.get(chatId)?.values() ?? [])];
  }

  record(sent: TelegramSent): void {
    this.sent.push(sent);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.sent.length < waiter.count) return true;
      waiter.resolve([...this.sent]);
      return false;
    });
  }

  waitForSent(count: number, timeoutMs: number): Promise<TelegramSent[]> {
    if (this.sent.length >= count) return Promise.resolve([...this.sent]);
    return new Promise((resolve, reject) => {
      const waiter: SentWaiter = {
        count,
        resolve: (sent) => {
          clearTimeout(timer);
          resolve(sent);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        reject(new Error(`TelegramFake: waited ${timeoutMs} ms for ${count} sent message(s), got ${this.sent.length}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }
}

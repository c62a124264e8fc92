/**
 * Telegram's documented sending limits (bots FAQ): about 30 messages per second overall,
 * no more than one message per second in a private chat (short bursts tolerated), and no more
 * than 20 messages per minute in a group or channel. Each is a token bucket; a send must fit
 * both the global bucket and its chat's bucket.
 */
import { chatTypeOf } from "./validate.ts";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

class TokenBucket {
  readonly #capacity: number;
  readonly #perSecond: number;
  #tokens: number;
  #updatedAt: number;

  constructor(capacity: number, perSecond: number, now: number) {
    this.#capacity = capacity;
    this.#perSecond = perSecond;
    this.#tokens = capacity;
    this.#updatedAt = now;
  }

  /** Whole seconds until a token is available (0 when one is available now). */
  waitSeconds(now: number): number {
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#perSecond);
    this.#updatedAt = now;
    return this.#tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - this.#tokens) / this.#perSecond));
  }

  spend(): void {
    this.#tokens -= 1;
  }
}

export class TelegramRateLimiter {
  readonly #enabled: boolean;
  readonly #global: TokenBucket;
  readonly #chats = new Map<string, TokenBucket>();

  constructor(enabled: boolean, now = Date.now()) {
    this.#enabled = enabled;
    this.#global = new TokenBucket(30, 30, now);
  }

  #bucketFor(chatId: string, now: number): TokenBucket {
    let bucket = this.#chats.get(chatId);
    if (!bucket) {
      bucket = chatTypeOf(chatId) === "private" ? new TokenBucket(3, 1, now) : new TokenBucket(20, 20 / 60, now);
      this.#chats.set(chatId, bucket);
    }
    return bucket;
  }

  /** Spends one message for `chatId`, or says how long to wait (Telegram's retry_after). */
  take(chatId: string, now = Date.now()): RateDecision {
    if (!this.#enabled) return { allowed: true };
    const chat = this.#bucketFor(chatId, now);
    const wait = Math.max(this.#global.waitSeconds(now), chat.waitSeconds(now));
    if (wait > 0) return { allowed: false, retryAfterSeconds: wait };
    this.#global.spend();
    chat.spend();
    return { allowed: true };
  }
}

/**
 * Slack's message posting limit: "1 message per second per channel, short bursts allowed".
 * Modelled as one token bucket per key (a channel, or an incoming webhook).
 */

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class PerKeyRateLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, Bucket>();

  /**
   * @param perSecond sustained rate per key; 0 turns limiting off
   * @param burst how many messages a quiet key may send at once
   */
  constructor(perSecond: number, burst = 3) {
    this.#perSecond = perSecond;
    this.#burst = Math.max(1, burst);
  }

  /** Spends one token for `key`, or says how many whole seconds to wait (Slack's Retry-After is an integer). */
  take(key: string, now = Date.now()): RateDecision {
    if (this.#perSecond <= 0) return { allowed: true };
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, updatedAt: now };
    const refilled = Math.min(this.#burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.#perSecond);
    if (refilled >= 1) {
      this.#buckets.set(key, { tokens: refilled - 1, updatedAt: now });
      return { allowed: true };
    }
    this.#buckets.set(key, { tokens: refilled, updatedAt: now });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - refilled) / this.#perSecond)) };
  }
}

/**
 * The one @discordjs/rest client an adapter shares between posting, editing,
 * interaction replies and command registration, so its rate-limit bookkeeping
 * sees every request.
 *
 * What Herald relies on: REST reads `X-RateLimit-*` headers and queues requests
 * per route bucket and major parameter (channel), keeps under the global
 * 50 requests/s, waits out a 429 by itself and retries 5xx and timeouts
 * (`retries`, 3 by default). Only a wait longer than `maxRateLimitWaitMs` is
 * refused with a RateLimitError, so the delivery queue can park the job instead
 * of holding a worker.
 */
import { REST } from "@discordjs/rest";

export const DEFAULT_DISCORD_API = "https://discord.com/api";

export interface DiscordRestOptions {
  token: string;
  /** Base URL without the version (`https://discord.com/api`); tests point it at the fake. */
  apiUrl?: string | undefined;
  /** Longer rate-limit waits reject with RateLimitError instead of queueing (default 30 s). */
  maxRateLimitWaitMs?: number | undefined;
  /** Per-request timeout (default 15 s, REST's own). */
  timeoutMs?: number | undefined;
}

export function createDiscordRest(options: DiscordRestOptions): REST {
  const maxWait = options.maxRateLimitWaitMs ?? 30_000;
  return new REST({
    api: options.apiUrl ?? DEFAULT_DISCORD_API,
    version: "10",
    timeout: options.timeoutMs ?? 15_000,
    rejectOnRateLimit: (limit) => limit.retryAfter > maxWait,
  }).setToken(options.token);
}

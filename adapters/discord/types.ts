import type { Log } from "../../src/log.ts";

/**
 * How commands reach Herald:
 * - `gateway`: a discord.js gateway connection (no public URL needed);
 * - `http`: Discord POSTs interactions to `POST /discord/interactions` (see `httpRoutes()`);
 * - `none`: posting only, no commands.
 */
export type DiscordMode = "gateway" | "http" | "none";

export interface DiscordAdapterOptions {
  /** Bot token (DISCORD_TOKEN). Required in every mode: posting needs it. */
  token?: string | undefined;
  /** The application's public key, 64 hex characters (DISCORD_PUBLIC_KEY). Required in `http` mode. */
  publicKey?: string | undefined;
  /** Default `gateway`. */
  mode?: DiscordMode | undefined;
  /** API base without the version (default https://discord.com/api); tests point it at the fake. */
  apiUrl?: string | undefined;
  /** Discord user ids that may use `/feeds` whatever their server permissions. */
  admins?: readonly string[] | undefined;
  /** Rate-limit waits longer than this reject with RateLimitError instead of queueing (default 30 000). */
  maxRateLimitWaitMs?: number | undefined;
  /** Largest interaction body the HTTP endpoint reads (default 256 KiB). */
  maxInteractionBytes?: number | undefined;
  /**
   * HTTP mode: resolves true the first time an interaction id is seen within
   * `ttlMs` (shared by every process serving the endpoint), false for a
   * replay, whose command is then acknowledged but not run again. Without it
   * a signed interaction replayed within the 5-minute window runs twice.
   */
  claimInteraction?: ((interactionId: string, ttlMs: number) => Promise<boolean>) | undefined;
  log?: Log | undefined;
}

import type { Pace } from "../shared/platform.ts";

/**
 * Discord allows a bot 50 requests a second and a channel about 5 messages
 * per 5 seconds. discord.js's REST client would also wait for those, but
 * inside the job, holding a worker slot that other platforms' posts need;
 * spaced in the queue, the wait costs nothing.
 */
export function discordPaces(channelId: string): Pace[] {
  return [
    // 20.5 ms, not 20: Discord counts 50 per one-second window from the first request it sees, so
    // sends spaced exactly at the limit are refused whenever one arrives a few ms early in a window.
    { key: "discord:global", minIntervalMs: 20.5 },
    { key: `discord:channel:${channelId}`, minIntervalMs: 1000 },
  ];
}

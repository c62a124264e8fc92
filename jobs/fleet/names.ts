/**
 * The singleton duties a config implies, by name. Names go into Redis keys and
 * `herald status`, so a per-token duty is named by a short hash of the token.
 */
import { createHash } from "node:crypto";
import type { HeraldConfig } from "../../config/schema.ts";

export const FEED_SCHEDULES_DUTY = "feed-schedules";

export const directoryFeedDuty = (feedId: string) => `directory-feed:${feedId}`;

/** 12 hex digits of SHA-256: tells two bots apart, says nothing about the token. */
const tokenTag = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 12);

/**
 * Bots whose command connection only one process per token may hold: Telegram
 * answers a second long poll with 409, and a second Discord gateway session gets
 * every interaction too (and acknowledges it twice). HTTP modes and Slack are not here.
 */
export function exclusiveBotConnections(config: HeraldConfig): { platform: "telegram" | "discord"; duty: string }[] {
  const connections: { platform: "telegram" | "discord"; duty: string }[] = [];
  if (config.telegram?.mode === "polling" && config.telegram.token) connections.push({ platform: "telegram", duty: `telegram-polling:${tokenTag(config.telegram.token)}` });
  if (config.discord?.mode === "gateway" && config.discord.token) connections.push({ platform: "discord", duty: `discord-gateway:${tokenTag(config.discord.token)}` });
  return connections;
}

/** Every duty some `herald start` with this config should hold. */
export function expectedDuties(config: HeraldConfig): string[] {
  return [
    FEED_SCHEDULES_DUTY,
    ...config.feeds.filter((f) => f.type === "directory" && !f.paused).map((f) => directoryFeedDuty(f.id)),
    ...exclusiveBotConnections(config).map((c) => c.duty),
  ];
}

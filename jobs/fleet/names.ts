/**
 * The singleton duties a config implies, by name. Names go into Redis keys and
 * `herald status`, so a per-token duty is named by a short hash of the token.
 */
import { createHash } from "node:crypto";
import { platforms } from "../../adapters/registry.ts";
import { type HeraldConfig, sectionOf } from "../../config/schema.ts";

export const FEED_SCHEDULES_DUTY = "feed-schedules";

export const directoryFeedDuty = (feedId: string) => `directory-feed:${feedId}`;

/** 12 hex digits of SHA-256: tells two bots apart, says nothing about the token. */
const tokenTag = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 12);

/**
 * Bots whose command connection only one process per token may hold (each
 * platform's descriptor says which modes: `exclusiveConnection`). HTTP modes
 * are never here: any number of processes can serve them.
 */
export function exclusiveBotConnections(config: HeraldConfig): { platform: string; duty: string }[] {
  return platforms().flatMap((platform) => {
    const section = sectionOf(config, platform.id);
    const connection = section === undefined ? null : platform.exclusiveConnection?.(section);
    return connection ? [{ platform: platform.id, duty: `${connection.kind}:${tokenTag(connection.token)}` }] : [];
  });
}

/** Every duty some `herald start` with this config should hold. */
export function expectedDuties(config: HeraldConfig): string[] {
  return [
    FEED_SCHEDULES_DUTY,
    ...config.feeds.filter((f) => f.type === "directory" && !f.paused).map((f) => directoryFeedDuty(f.id)),
    ...exclusiveBotConnections(config).map((c) => c.duty),
  ];
}

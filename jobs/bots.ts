import { createDiscordAdapter } from "../adapters/discord/index.ts";
import { createSlackAdapter } from "../adapters/slack/index.ts";
import { createTelegramAdapter } from "../adapters/telegram/index.ts";
import type { HeraldConfig } from "../config/schema.ts";
import type { ChatAdapter, HttpHandler } from "../src/chat/types.ts";
import { type CommandServices, runCommand } from "../src/commands/index.ts";
import type { Log } from "../src/log.ts";
import type { Store } from "../src/store/index.ts";
import type { DutySpec } from "./fleet/duty.ts";
import { exclusiveBotConnections } from "./fleet/names.ts";
import type { ClaimOnce } from "./http/claim-once.ts";
import type { BotPosterFactory } from "./posters.ts";
import type { Roles } from "./roles.ts";

export type Platform = "discord" | "slack" | "telegram";

export type BotServices = Omit<CommandServices, "destinationsFor" | "ensureDestination">;

/**
 * How a bot receives commands: through Herald's HTTP server (Discord interactions,
 * Slack events, Telegram webhook: the `http` role) or over a connection Herald
 * opens (Discord gateway, Slack Socket Mode, Telegram long polling: the `bots` role).
 */
export type CommandTransport = "http" | "connection";

const ALL_TRANSPORTS: ReadonlySet<CommandTransport> = new Set(["http", "connection"]);

/** The `http` role serves the bots' HTTP modes; the `bots` role opens their connections. */
export function commandTransports(roles: Roles): ReadonlySet<CommandTransport> {
  return new Set([...(roles.has("http") ? ["http" as const] : []), ...(roles.has("bots") ? ["connection" as const] : [])]);
}

export interface Bots {
  adapters: Map<Platform, ChatAdapter>;
  /** Poster for a bot destination, or null when its bot is not configured. */
  poster: BotPosterFactory;
  /**
   * Starts receiving commands on the bots any number of processes may serve at once (HTTP modes,
   * Slack Socket Mode), for those whose mode uses one of `transports` (default: both).
   */
  start(services: BotServices, transports?: ReadonlySet<CommandTransport>): Promise<void>;
  /**
   * Telegram long polling and the Discord gateway, which one process per token may hold:
   * `herald start` runs them as fleet duties (jobs/fleet), so only the lease holder connects.
   */
  connectionDuties(services: BotServices): DutySpec[];
  /** HTTP-mode endpoints of the started bots, with the platform serving each. */
  httpRoutes(): Record<string, { platform: Platform; handler: HttpHandler }>;
  stop(): Promise<void>;
}

/**
 * Creates the adapter of each bot section in the config. A missing token or
 * secret fails here, at start, with the env var to set.
 */
export function createBots(config: HeraldConfig, store: Store, log: Log, claimOnce?: ClaimOnce): Bots {
  const adapters = new Map<Platform, ChatAdapter>();
  if (config.discord) {
    const d = config.discord;
    // Shared by the fleet: a signed interaction replayed to any process runs its command once.
    const claimInteraction = claimOnce && ((id: string, ttlMs: number) => claimOnce(`discord-interaction:${id}`, ttlMs));
    adapters.set(
      "discord",
      createDiscordAdapter({ token: d.token || undefined, publicKey: d.publicKey || undefined, mode: d.mode, apiUrl: d.apiUrl, adminUserIds: d.admins, claimInteraction, log: log.child({ platform: "discord" }) }),
    );
  }
  if (config.slack) {
    const s = config.slack;
    adapters.set("slack", createSlackAdapter({ botToken: s.botToken || undefined, signingSecret: s.signingSecret || undefined, appToken: s.appToken || undefined, mode: s.mode, apiUrl: s.apiUrl, admins: s.admins, log: log.child({ platform: "slack" }) }));
  }
  if (config.telegram) {
    const t = config.telegram;
    adapters.set(
      "telegram",
      createTelegramAdapter({ token: t.token || undefined, mode: t.mode, webhookSecret: t.webhookSecret || undefined, webhookUrl: t.webhookUrl, apiUrl: t.apiUrl, adminUserIds: t.admins, privateChatAdmins: t.privateFeeds, log: log.child({ platform: "telegram" }) }),
    );
  }

  const channelOf = (d: HeraldConfig["destinations"][number]): [Platform, string] | null => {
    if (d.type === "discord") return ["discord", d.channelId];
    if (d.type === "slack") return ["slack", d.channel];
    if (d.type === "telegram") return ["telegram", d.chatId];
    return null;
  };
  /** The channel commands typed there are about: a bot destination's channel, or the channel a webhook posts into. */
  const commandChannelOf = (d: HeraldConfig["destinations"][number]): [Platform, string] | null => {
    if (d.type === "discord-webhook" && d.channelId) return ["discord", d.channelId];
    if (d.type === "slack-webhook" && d.channel) return ["slack", d.channel];
    return channelOf(d);
  };

  const poster: BotPosterFactory = async (destinationId, destination) => {
    const target = (destination && channelOf(destination)) ?? (await storedChannel(store, destinationId));
    if (!target) return null;
    const [platform, channelId] = target;
    const adapter = adapters.get(platform);
    if (!adapter) return null;
    // Each adapter's poster carries its platform's send limits (Poster.paces); the queue spaces jobs by them.
    const base = adapter.poster(channelId);
    return {
      platform: base.platform,
      paces: base.paces ?? (platform === "discord" ? discordPaces(channelId) : undefined),
      post: (message, card, options) => base.post(message, card, options),
      edit: (messageId, message, card) => adapter.edit(channelId, messageId, message, card),
    };
  };

  const destinationsFor = async (platform: Platform, channelId: string): Promise<string[]> => [
    ...config.destinations.filter((d) => commandChannelOf(d)?.[0] === platform && commandChannelOf(d)?.[1] === channelId).map((d) => d.id),
    ...(await store
      .listDestinations())
      .filter((d) => d.type === platform && d.config.channelId === channelId && !config.destinations.some((c) => c.id === d.id))
      .map((d) => d.id),
  ];

  const ensureDestination = async (platform: Platform, channelId: string): Promise<string> => {
    const [existing] = await destinationsFor(platform, channelId);
    if (existing) return existing;
    const id = `${platform}-${channelId.replace(/[^A-Za-z0-9_-]/g, "")}`.slice(0, 64);
    await store.upsertDestination({ id, type: platform, config: { channelId } });
    return id;
  };

  const exclusive = new Map(exclusiveBotConnections(config).map((c) => [c.platform as Platform, c.duty]));
  const handlerFor = (services: BotServices) => {
    const full: CommandServices = { ...services, destinationsFor, ensureDestination };
    return (request: Parameters<typeof runCommand>[0]) => runCommand(request, full);
  };
  const transportOf = (platform: Platform): CommandTransport => {
    if (platform === "discord") return config.discord?.mode === "gateway" ? "connection" : "http";
    if (platform === "slack") return config.slack?.mode === "socket" ? "connection" : "http";
    return config.telegram?.mode === "polling" ? "connection" : "http";
  };

  const started: ChatAdapter[] = [];
  return {
    adapters,
    poster,
    async start(services, transports = ALL_TRANSPORTS) {
      const handler = handlerFor(services);
      for (const adapter of adapters.values()) {
        if (exclusive.has(adapter.platform) || !transports.has(transportOf(adapter.platform))) continue;
        try {
          await adapter.start(handler);
        } catch (error) {
          // All or nothing: a half-started set of bots would hold sessions no process serves.
          await adapter.stop().catch(() => undefined);
          await this.stop();
          throw error;
        }
        started.push(adapter);
      }
    },
    connectionDuties(services) {
      const handler = handlerFor(services);
      return [...exclusive].flatMap(([platform, name]) => {
        const adapter = adapters.get(platform);
        if (!adapter) return [];
        return [{ name, start: (lost) => adapter.start(handler, { onConnectionLost: lost }), stop: () => adapter.stop() }];
      });
    },
    httpRoutes() {
      return Object.fromEntries(started.flatMap((a) => Object.entries(a.httpRoutes()).map(([key, handler]) => [key, { platform: a.platform, handler }])));
    },
    async stop() {
      await Promise.all(started.splice(0).map((a) => a.stop().catch((error: Error) => log.warn({ platform: a.platform, err: error.message }, "bot stop failed"))));
    },
  };
}

/**
 * Discord allows a bot 50 requests a second and a channel about 5 messages
 * per 5 seconds. discord.js's REST client would also wait for those, but
 * inside the job, holding a worker slot that other platforms' posts need;
 * spaced in the queue, the wait costs nothing.
 */
function discordPaces(channelId: string): { key: string; minIntervalMs: number }[] {
  return [
    // 20.5 ms, not 20: Discord counts 50 per one-second window from the first request it sees, so
    // sends spaced exactly at the limit are refused whenever one arrives a few ms early in a window.
    { key: "discord:global", minIntervalMs: 20.5 },
    { key: `discord:channel:${channelId}`, minIntervalMs: 1000 },
  ];
}

/** Destinations created from chat (`/feeds add` in a channel with none) live only in the store. */
async function storedChannel(store: Store, destinationId: string): Promise<[Platform, string] | null> {
  const d = await store.getDestination(destinationId);
  const channelId = d?.config.channelId;
  if (!d || typeof channelId !== "string" || !["discord", "slack", "telegram"].includes(d.type)) return null;
  return [d.type as Platform, channelId];
}

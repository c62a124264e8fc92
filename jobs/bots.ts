import {
  type AnyPlatform,
  type CommandTransport,
  destinationKindOf,
  platformById,
  platforms,
} from "../adapters/registry.ts";
import { configuredDestination } from "../config/lookup.ts";
import { type DestinationConfig, type HeraldConfig, sectionOf } from "../config/schema.ts";
import type { ChatAdapter, HttpHandler } from "../src/adapter.ts";
import { type CommandServices, runCommand } from "../src/commands/index.ts";
import type { Log } from "../src/log.ts";
import type { Store } from "../src/store/index.ts";
import type { DutySpec } from "./fleet/duty.ts";
import { exclusiveBotConnections } from "./fleet/names.ts";
import type { ClaimOnce } from "./http/claim-once.ts";
import type { BotPosterFactory } from "./posters.ts";
import type { Roles } from "./roles.ts";

/** A platform's registry id: a built-in one (adapters/registry.ts `Platform`) or one added with registerPlatform. */
export type Platform = string;

export type BotServices = Omit<CommandServices, "destinationsFor" | "ensureDestination">;

export type { CommandTransport } from "../adapters/registry.ts";

const ALL_TRANSPORTS: ReadonlySet<CommandTransport> = new Set(["http", "connection"]);

/** The `http` role serves the bots' HTTP modes; the `bots` role opens their connections. */
export function commandTransports(roles: Roles): ReadonlySet<CommandTransport> {
  return new Set([
    ...(roles.has("http") ? ["http" as const] : []),
    ...(roles.has("bots") ? ["connection" as const] : []),
  ]);
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
export async function createBots(config: HeraldConfig, store: Store, log: Log, claimOnce?: ClaimOnce): Promise<Bots> {
  const adapters = new Map<Platform, ChatAdapter>();
  const configured = new Map<Platform, { platform: AnyPlatform; section: unknown }>();
  for (const platform of platforms()) {
    const section = sectionOf(config, platform.id);
    if (section === undefined) continue;
    configured.set(platform.id, { platform, section });
    adapters.set(platform.id, await platform.create(section, { log: log.child({ platform: platform.id }), claimOnce }));
  }

  const channelOf = (d: DestinationConfig): [Platform, string] | null => {
    const found = destinationKindOf(d.type);
    return found?.kind.botChannel ? [found.platform.id, found.kind.botChannel(d)] : null;
  };
  /** The channel commands typed there are about: a bot destination's channel, or the channel a webhook posts into. */
  const commandChannelOf = (d: DestinationConfig): [Platform, string] | null => {
    const found = destinationKindOf(d.type);
    const channel = found?.kind.commandChannel?.(d);
    return found && channel ? [found.platform.id, channel] : channelOf(d);
  };

  const poster: BotPosterFactory = async (destinationId, destination) => {
    const target = (destination && channelOf(destination)) ?? (await storedChannel(store, destinationId));
    if (!target) return null;
    const [platform, channelId] = target;
    const adapter = adapters.get(platform);
    if (!adapter) return null;
    // Each adapter's poster carries its platform's send limits (Poster.paces), or its descriptor does; the queue spaces jobs by them.
    const base = adapter.poster(channelId);
    // Story mode's reply, crosspost and delete are forwarded exactly when the platform's poster has them.
    return {
      platform: base.platform,
      paces: base.paces ?? platformById(platform)?.paces?.(channelId),
      post: (message, card, options) => base.post(message, card, options),
      edit: (messageId, message, card) => adapter.edit(channelId, messageId, message, card),
      ...(base.reply ? { reply: base.reply.bind(base) } : {}),
      ...(base.crosspost ? { crosspost: base.crosspost.bind(base) } : {}),
      ...(base.delete ? { delete: base.delete.bind(base) } : {}),
    };
  };

  // Configured destinations by the channel their commands come from, grouped once (the config does
  // not change while the process runs): a scan per command grew with it.
  const channelKey = (platform: Platform, channelId: string) => `${platform}\u0000${channelId}`;
  const configuredByChannel = new Map<string, string[]>();
  for (const d of config.destinations) {
    const channel = commandChannelOf(d);
    if (!channel) continue;
    const key = channelKey(...channel);
    const ids = configuredByChannel.get(key) ?? [];
    configuredByChannel.set(key, ids);
    ids.push(d.id);
  }
  const configuredIn = (platform: Platform, channelId: string): string[] =>
    configuredByChannel.get(channelKey(platform, channelId)) ?? [];

  const destinationsFor = async (platform: Platform, channelId: string): Promise<string[]> => [
    ...configuredIn(platform, channelId),
    ...(await store.listDestinations({ type: platform, channelId }))
      .filter((d) => !configuredDestination(config, d.id))
      .map((d) => d.id),
  ];

  const ensureDestination = async (platform: Platform, channelId: string): Promise<string> => {
    const [existing] = await destinationsFor(platform, channelId);
    if (existing) return existing;
    const id = `${platform}-${channelId.replace(/[^A-Za-z0-9_-]/g, "")}`.slice(0, 64);
    await store.upsertDestination({ id, type: platform, config: { channelId } });
    return id;
  };

  const exclusive = new Map(exclusiveBotConnections(config).map((c) => [c.platform, c.duty]));
  const handlerFor = (services: BotServices) => {
    const full: CommandServices = { ...services, destinationsFor, ensureDestination };
    return (request: Parameters<typeof runCommand>[0]) => runCommand(request, full);
  };
  const transportOf = (platform: Platform): CommandTransport | null => {
    const bot = configured.get(platform);
    return bot ? bot.platform.commandTransport(bot.section) : null;
  };

  const started: ChatAdapter[] = [];
  const bots: Bots = {
    adapters,
    poster,
    async start(services, transports = ALL_TRANSPORTS) {
      const handler = handlerFor(services);
      for (const adapter of adapters.values()) {
        const transport = transportOf(adapter.platform);
        if (exclusive.has(adapter.platform) || !transport || !transports.has(transport)) continue;
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
        return [
          { name, start: (lost) => adapter.start(handler, { onConnectionLost: lost }), stop: () => adapter.stop() },
        ];
      });
    },
    httpRoutes() {
      return Object.fromEntries(
        started.flatMap((a) =>
          Object.entries(a.httpRoutes()).map(([key, handler]) => [key, { platform: a.platform, handler }]),
        ),
      );
    },
    async stop() {
      await Promise.all(
        started
          .splice(0)
          .map((a) =>
            a.stop().catch((error: Error) => log.warn({ platform: a.platform, err: error.message }, "bot stop failed")),
          ),
      );
    },
  };
  return bots;
}

/** Destinations created from chat (`/feeds add` in a channel with none) live only in the store. */
async function storedChannel(store: Store, destinationId: string): Promise<[Platform, string] | null> {
  const d = await store.getDestination(destinationId);
  const channelId = d?.config.channelId;
  if (!d || typeof channelId !== "string" || !platformById(d.type)) return null;
  return [d.type, channelId];
}

/**
 * What a platform tells Herald about itself: one descriptor per
 * `adapters/<id>/platform.ts`, listed in adapters/registry.ts. `config/`,
 * `jobs/` and the preview iterate over the descriptors and name no platform,
 * so a new platform is its folder plus one line in the registry
 * (adapters/README.md says how).
 */
import type { z } from "zod";
import type { ChatAdapter, Poster } from "../../src/adapter.ts";
import type { Log } from "../../src/log.ts";
import type { NewsMessage } from "../../src/message/types.ts";

/** A send-rate limit: posts sharing `key` are spaced at least `minIntervalMs` apart by the delivery queue. */
export interface Pace {
  key: string;
  minIntervalMs: number;
}

/** How commands reach a bot: through Herald's HTTP server (`http` role) or a connection Herald opens (`bots` role). */
export type CommandTransport = "http" | "connection";

/** What the adapters log through; Herald's pino logger is one. */
export interface PlatformContext {
  log: Log;
  /**
   * Fleet-wide "first one wins" for `ttlMs` (Redis SET NX): a signed request
   * replayed to any process of the fleet runs once. Absent without Redis.
   */
  claimOnce?: ((key: string, ttlMs: number) => Promise<boolean>) | undefined;
}

/**
 * One kind of destination (`type:` in the config's `destinations:`). A bot
 * destination names the channel the platform's bot posts to (and needs the
 * platform's config section); a webhook destination posts on its own.
 */
export interface DestinationKind<S extends z.ZodObject = z.ZodObject> {
  /** The fields besides `id`, `type` among them as a `z.literal`. */
  schema: S;
  /** Bot destinations: the channel or chat the bot posts to. */
  botChannel?: (destination: z.output<S>) => string;
  /** Destinations that post without the bot (incoming webhooks). Async so its HTTP client loads only when used. */
  poster?: (destination: z.output<S>, options: { timeoutMs: number }) => Promise<Poster>;
  /** The channel whose `/news` and `/feeds` see this destination, when it is not the bot's own. */
  commandChannel?: (destination: z.output<S>) => string | undefined;
}

/** Keeps a destination kind's functions typed by its own schema. */
export const destinationKind = <S extends z.ZodObject>(kind: DestinationKind<S>): DestinationKind<S> => kind;

/**
 * A platform. `Section` is the zod schema of its config section (`<id>:` in
 * herald.yaml), defaults included: the one place they are written down.
 */
export interface PlatformDescriptor<
  Id extends string = string,
  Section extends z.ZodType = z.ZodType,
  Kinds extends readonly DestinationKind[] = readonly DestinationKind[],
> {
  /** The config section's key, the bot destination's `type`, and the name in logs and errors. */
  id: Id;
  /** The name people know it by, for the preview page. */
  title: string;
  section: Section;
  destinations: Kinds;
  /** Environment variable overriding `<id>.apiUrl`, so a whole bot can run against a loopback fake. */
  apiUrlEnv: string;
  /**
   * Builds the adapter; a missing token or secret rejects here, naming what to
   * set. Async so the descriptor can load its client libraries only then:
   * a worker thread that only formats must not pay for them.
   */
  create(section: z.output<Section>, context: PlatformContext): Promise<ChatAdapter>;
  commandTransport(section: z.output<Section>): CommandTransport;
  /**
   * A command connection only one process per token may hold (a long poll the
   * platform refuses twice, a session that would get every command twice):
   * `kind` names the fleet duty, `token` tells two bots apart (it is hashed).
   */
  exclusiveConnection?(section: z.output<Section>): { kind: string; token: string } | null;
  /** How the HTTP receive routes prove their sender: a header checked before the body is read, or a signature over the body. */
  httpAuth: "header" | "signed-body";
  /** Send limits of a bot channel its poster does not state itself. */
  paces?(channelId: string): Pace[];
  /** The pure formatter: the exact request body for `message` (`chatId` where the body names the chat). */
  format(message: NewsMessage, chatId: string): unknown;
  /** How the preview page shows `format`'s output: HTML of one column, and that column's CSS. */
  preview: { mock(payload: unknown, card: string | null): string; css: string };
  /**
   * `herald register-commands`: registers the command menus and returns the
   * line to print. Absent where there is nothing to register.
   */
  registerCommands?(section: z.output<Section>, options: { guild?: string | undefined }): Promise<string>;
  /** Printed by `herald register-commands` instead, where commands are set up elsewhere. */
  commandsSetUpElsewhere?: string;
}

/** Keeps a descriptor's types (its id literal, section and destination schemas) for the config's types. */
export const definePlatform = <
  const Id extends string,
  Section extends z.ZodType,
  const Kinds extends readonly DestinationKind<z.ZodObject>[],
>(
  descriptor: PlatformDescriptor<Id, Section, Kinds>,
): PlatformDescriptor<Id, Section, Kinds> => descriptor;

/** Any platform, with its types erased: what the registry and jobs/ handle. */
// biome-ignore lint/suspicious/noExplicitAny: a list of descriptors holds different section types; each checks its own.
export type AnyPlatform = PlatformDescriptor<string, z.ZodType, readonly DestinationKind<any>[]>;

/**
 * A module loaded on first use and kept. An `import()` per call goes through the module loader every
 * time (under tsx, a message to its loader thread): creating the posters of a 10,000-webhook fan-out
 * spent about half a second of CPU there. A failed load is tried again on the next call.
 */
export function loadOnce<Module>(load: () => Promise<Module>): () => Promise<Module> {
  let loading: Promise<Module> | undefined;
  return () => {
    if (!loading) {
      loading = load();
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };
}

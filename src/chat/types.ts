import type { IncomingMessage, ServerResponse } from "node:http";
import type { CardFile, Poster } from "../adapter.ts";
import type { Block } from "../article/types.ts";
import type { NewsMessage } from "../message/types.ts";

/**
 * The commands channel members and admins type, the same on every platform:
 * `/news latest count:<n>`, `/news search query:<words>`, `/news show article:<id or link>`,
 * `/news trace article:<id or link>` (admins),
 * `/feeds list`, `/feeds add url:<url>`, `/feeds remove id:<id>`, `/feeds pause id:<id>`, `/feeds resume id:<id>`.
 */
export type CommandName = "news" | "feeds";
export type NewsSubcommand = "latest" | "search" | "show" | "trace";
export type FeedsSubcommand = "list" | "add" | "remove" | "pause" | "resume";

/** A command as it arrived from a platform, already split into subcommand and named options. */
export interface CommandRequest {
  platform: "discord" | "slack" | "telegram";
  command: CommandName;
  /** Missing or unknown subcommands are answered with usage help. */
  subcommand: string | null;
  /** Option values by name (`count`, `query`, `article`, `url`, `id`); free text from Telegram/Slack is mapped onto these. */
  options: Record<string, string>;
  /** The platform's id of the channel/chat the command was typed in. */
  channelId: string;
  userId: string;
  /** The user's locale when the platform gives one ("ko", "en-US"); null otherwise. */
  locale: string | null;
  /** Whether the user is an admin by the platform's own model (checked lazily: only admin commands ask). */
  isAdmin: () => Promise<boolean>;
}

/** What Herald answers. Adapters render `blocks` with their platform markup. */
export interface CommandReply {
  /** Visible only to the user where the platform allows (Discord flags, Slack response_type). */
  ephemeral: boolean;
  blocks: Block[];
  /** `/news show`: the full post, formatted like a delivery, with its card. */
  article?: { message: NewsMessage; card: CardFile | null };
}

/**
 * One chat platform. Posting is the {@link Poster} contract; edit and delete
 * act on what `post` returned. Commands arrive through the adapter's
 * connection (gateway, HTTP endpoint, socket mode, long polling, webhook)
 * and go to the handler given to `start`.
 */
export interface ChatAdapter {
  readonly platform: "discord" | "slack" | "telegram";
  /** A poster bound to one channel/chat. */
  poster(channelId: string): Poster;
  /** Replaces the text of a message Herald posted (`messageId` as returned by post). */
  edit(channelId: string, messageId: string, message: NewsMessage, card: CardFile | null): Promise<void>;
  delete(channelId: string, messageId: string): Promise<void>;
  /** Starts receiving commands (connect the gateway, start polling, …). HTTP modes are served through {@link httpRoutes}. */
  start(handler: CommandHandler, options?: ConnectionOptions): Promise<void>;
  /** Stops receiving commands and closes connections. Idempotent. */
  stop(): Promise<void>;
  /**
   * Endpoints to mount on Herald's HTTP server in the HTTP connection modes,
   * keyed "METHOD /path" (e.g. "POST /discord/interactions"); empty otherwise.
   * Only called after `start`.
   */
  httpRoutes(): Record<string, HttpHandler>;
}

export interface ConnectionOptions {
  /**
   * Called once when the command connection ends by itself and will not come back (Telegram
   * refused the long poll, the Discord gateway closed for good); `stop` still needs calling.
   */
  onConnectionLost?: (reason: string) => void;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export type CommandHandler = (request: CommandRequest) => Promise<CommandReply>;

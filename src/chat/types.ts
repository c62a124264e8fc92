import type { CardFile } from "../adapter.ts";
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
  /** The id of the platform it came from (its registry id). */
  platform: string;
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

export type CommandHandler = (request: CommandRequest) => Promise<CommandReply>;

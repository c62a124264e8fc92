/**
 * A Telegram command message as Herald's platform-neutral CommandRequest.
 */
import type { CommandContext, Context } from "grammy";
import type { CommandName, CommandRequest } from "../../src/chat/types.ts";
import { type AdminPolicy, adminCheck } from "./admins.ts";
import { parseCommandText } from "./command-text.ts";
import type { TelegramClient } from "./types.ts";

export interface RequestDeps extends AdminPolicy {
  client: TelegramClient;
}

/**
 * Builds the request for `/news …` or `/feeds …`. `ctx.match` is the text
 * after the command (grammY strips `/news@HeraldBot`). Commands in a channel
 * come as channel posts, without a user: the channel itself is the sender.
 */
export function commandRequestFrom(
  ctx: CommandContext<Context>,
  command: CommandName,
  deps: RequestDeps,
): CommandRequest {
  const { subcommand, options } = parseCommandText(command, ctx.match);
  const sender = ctx.from?.id ?? ctx.senderChat?.id ?? ctx.chat.id;
  return {
    platform: "telegram",
    command,
    subcommand,
    options,
    channelId: String(ctx.chat.id),
    userId: String(sender),
    locale: ctx.from?.language_code ?? null,
    isAdmin: adminCheck(ctx, deps, deps.client),
  };
}

/**
 * A Telegram command message as Herald's platform-neutral CommandRequest.
 */
import type { CommandContext, Context } from "grammy";
import type { CommandName, CommandRequest } from "../../src/chat/types.ts";
import { parseTelegramCommand } from "./command-text.ts";
import { telegramError } from "./errors.ts";
import type { TelegramClient } from "./types.ts";

export interface RequestDeps {
  client: TelegramClient;
  /** Telegram user ids that are Herald admins in every chat. */
  adminUserIds: ReadonlySet<string>;
  /** Whether the user of a private chat administers it (`telegram.privateFeeds`). Off, anyone could add feeds by DMing the bot. */
  privateChatAdmins: boolean;
}

/**
 * Builds the request for `/news …` or `/feeds …`. `ctx.match` is the text
 * after the command (grammY strips `/news@HeraldBot`). Commands in a channel
 * come as channel posts, without a user: the channel itself is the sender.
 */
export function commandRequestFrom(ctx: CommandContext<Context>, command: CommandName, deps: RequestDeps): CommandRequest {
  const { subcommand, options } = parseTelegramCommand(command, ctx.match);
  const sender = ctx.from?.id ?? ctx.senderChat?.id ?? ctx.chat.id;
  let admin: Promise<boolean> | undefined;
  return {
    platform: "telegram",
    command,
    subcommand,
    options,
    channelId: String(ctx.chat.id),
    userId: String(sender),
    locale: ctx.from?.language_code ?? null,
    isAdmin: () => {
      admin ??= isChatAdmin(ctx, deps);
      return admin;
    },
  };
}

/**
 * Telegram's own admin model:
 * - a private chat belongs to the user, so they administer it — only when
 *   `privateChatAdmins` is on: otherwise any stranger could make Herald fetch
 *   and post feeds by messaging the bot, and only `adminUserIds` manage feeds there;
 * - a message sent on behalf of the chat itself (a channel post, or an
 *   anonymous group admin) can only come from an admin;
 * - otherwise getChatMember must say "creator" or "administrator".
 * Users in `adminUserIds` are admins everywhere. When Telegram cannot answer,
 * the user is not an admin (fail closed) and the failure is logged.
 */
async function isChatAdmin(ctx: Context, deps: RequestDeps): Promise<boolean> {
  const chat = ctx.chat;
  if (!chat) return false;
  const user = ctx.from;
  if (user && deps.adminUserIds.has(String(user.id))) return true;
  if (chat.type === "private") return deps.privateChatAdmins;
  if (ctx.senderChat?.id === chat.id) return true;
  if (!user) return false;
  try {
    const member = await ctx.api.getChatMember(chat.id, user.id);
    return member.status === "creator" || member.status === "administrator";
  } catch (error) {
    const reason = telegramError(error, deps.client.token, `getChatMember in ${chat.id}`).message;
    deps.client.log.warn({ chatId: chat.id, userId: user.id, reason }, "telegram: could not check admin rights");
    return false;
  }
}

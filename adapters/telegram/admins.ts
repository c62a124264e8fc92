/**
 * Who may run Herald's admin commands in a Telegram chat: the users listed in
 * `telegram.admins`, and whoever Telegram's own admin model says administers
 * the chat.
 */
import type { Context } from "grammy";
import { toTelegramError } from "./errors.ts";
import type { TelegramClient } from "./types.ts";

export interface AdminPolicy {
  /** Telegram user ids that are Herald admins in every chat (`telegram.admins`). */
  admins: ReadonlySet<string>;
  /** Whether the user of a private chat administers it (`telegram.privateFeeds`). Off, anyone could add feeds by DMing the bot. */
  privateChatAdmins: boolean;
}

/**
 * The command's `isAdmin`: asks Telegram at most once, on first use.
 *
 * Telegram's own admin model:
 * - a private chat belongs to the user, so they administer it — only when
 *   `privateChatAdmins` is on: otherwise any stranger could make Herald fetch
 *   and post feeds by messaging the bot, and only `admins` manage feeds there;
 * - a message sent on behalf of the chat itself (a channel post, or an
 *   anonymous group admin) can only come from an admin;
 * - otherwise getChatMember must say "creator" or "administrator".
 * Users in `admins` are admins everywhere. When Telegram cannot answer,
 * the user is not an admin (fail closed) and the failure is logged.
 */
export function adminCheck(ctx: Context, policy: AdminPolicy, client: TelegramClient): () => Promise<boolean> {
  let admin: Promise<boolean> | undefined;
  return () => {
    admin ??= isChatAdmin(ctx, policy, client);
    return admin;
  };
}

async function isChatAdmin(ctx: Context, policy: AdminPolicy, client: TelegramClient): Promise<boolean> {
  const chat = ctx.chat;
  if (!chat) return false;
  const user = ctx.from;
  if (user && policy.admins.has(String(user.id))) return true;
  if (chat.type === "private") return policy.privateChatAdmins;
  if (ctx.senderChat?.id === chat.id) return true;
  if (!user) return false;
  try {
    const member = await ctx.api.getChatMember(chat.id, user.id);
    return member.status === "creator" || member.status === "administrator";
  } catch (error) {
    const reason = toTelegramError(error, client.token, `getChatMember in ${chat.id}`).message;
    client.log.warn({ chatId: chat.id, userId: user.id, reason }, "telegram: could not check admin rights");
    return false;
  }
}

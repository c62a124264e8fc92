/**
 * Who may run Herald's admin commands on Discord: the users listed in
 * `discord.admins`, and members with Manage Server or Administrator.
 */
import { PermissionFlagsBits } from "discord.js";

/**
 * The command's `isAdmin` for `userId`, whose channel permissions Discord sent
 * with the interaction (`null` outside a server).
 */
export function adminCheck(
  userId: string,
  admins: ReadonlySet<string> | undefined,
  permissions: string | null,
): () => Promise<boolean> {
  return async () => (admins?.has(userId) ?? false) || canManageServer(permissions);
}

/**
 * Discord's own admin model: Manage Server (what `/feeds` requires by default)
 * or Administrator. Outside a server there is no member and no permission.
 */
export function canManageServer(permissions: string | null): boolean {
  if (permissions === null || !/^\d+$/.test(permissions)) return false;
  const bits = BigInt(permissions);
  const wanted = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.Administrator;
  return (bits & wanted) !== 0n;
}

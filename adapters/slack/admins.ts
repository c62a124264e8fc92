/**
 * Who typed a command, from users.info (scope users:read): whether they are
 * a workspace admin or owner, and their locale (`include_locale: true`;
 * slash command payloads carry none). Admin ids listed in Herald's config
 * count as admins without asking Slack.
 */
import type { WebClient } from "@slack/web-api";
import type { Log } from "../../src/log.ts";
import { toSlackError } from "./errors.ts";

export interface SlackUserProfile {
  isWorkspaceAdmin: boolean;
  locale: string | null;
}

/**
 * Looks a user up once; later calls share the answer. A failed lookup
 * (missing scope, Slack down) is logged and yields null, so commands still
 * run — in English, and without workspace-admin rights.
 */
export function userProfileLoader(client: WebClient, userId: string, log: Log): () => Promise<SlackUserProfile | null> {
  let profile: Promise<SlackUserProfile | null> | undefined;
  return () => {
    profile ??= client.users.info({ user: userId, include_locale: true }).then(
      (answer) => ({
        isWorkspaceAdmin: answer.user?.is_admin === true || answer.user?.is_owner === true,
        locale: typeof answer.user?.locale === "string" && answer.user.locale !== "" ? answer.user.locale : null,
      }),
      (error: unknown) => {
        log.warn({ userId, error: toSlackError(error, "users.info").message }, "could not look up the Slack user");
        return null;
      },
    );
    return profile;
  };
}

/** `isAdmin` for a command: listed in config, or a Slack workspace admin/owner. */
export function adminCheck(
  userId: string,
  admins: ReadonlySet<string>,
  profile: () => Promise<SlackUserProfile | null>,
): () => Promise<boolean> {
  return async () => admins.has(userId) || ((await profile())?.isWorkspaceAdmin ?? false);
}

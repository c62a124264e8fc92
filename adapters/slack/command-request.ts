/**
 * A Slack slash command as Herald's platform-neutral CommandRequest: the
 * command's free text read by command-text.ts, the user looked up once
 * (admins.ts) for their locale and admin rights.
 */
import type { SlashCommand } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { CommandName, CommandRequest } from "../../src/chat/types.ts";
import type { Log } from "../../src/log.ts";
import { adminCheck, userProfileLoader } from "./admins.ts";
import { parseCommandText } from "./command-text.ts";

export interface RequestDeps {
  client: WebClient;
  /** Slack user ids that are Herald admins regardless of their workspace role. */
  admins: ReadonlySet<string>;
  log: Log;
}

/** Builds the request for `/news …` or `/feeds …`. */
export async function commandRequestFrom(command: SlashCommand, deps: RequestDeps): Promise<CommandRequest> {
  const name = command.command.slice(1) as CommandName;
  const { subcommand, options } = parseCommandText(name, command.text ?? "");
  const profile = userProfileLoader(deps.client, command.user_id, deps.log);
  // The reply language needs the locale for every command, so it is looked up now (one users.info, shared with isAdmin).
  const locale = (await profile())?.locale ?? null;
  return {
    platform: "slack",
    command: name,
    subcommand,
    options,
    channelId: command.channel_id,
    userId: command.user_id,
    locale,
    isAdmin: adminCheck(command.user_id, deps.admins, profile),
  };
}

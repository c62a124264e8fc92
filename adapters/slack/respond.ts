/**
 * `/news` and `/feeds` for Bolt, the same in HTTP and Socket Mode. Each
 * command is acknowledged at once (Slack allows 3 s), then the user is looked
 * up (admin flags, locale), the handler runs, and the reply goes to the
 * command's response_url via `respond` (valid 30 minutes, 5 messages).
 */
import type { App, RespondFn, SlashCommand } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { CommandHandler, CommandName, CommandReply, CommandRequest } from "../../src/chat/types.ts";
import { t } from "../../src/i18n/index.ts";
import { adminCheck, userProfileLoader } from "./admins.ts";
import { parseCommandText } from "./command-text.ts";
import { sendReply } from "./reply.ts";
import type { SlackLog } from "./types.ts";

export interface SlashCommandContext {
  client: WebClient;
  /** Slack user ids that are Herald admins regardless of their workspace role. */
  admins: ReadonlySet<string>;
  handler: CommandHandler;
  log: SlackLog;
  cardWaitsMs: readonly number[];
}

/** The `action_id` of the "Read more" link button (format.ts); clicks only need an ack. */
const READ_MORE_ACTION = "herald_read_more";

export function registerSlashCommands(app: App, context: SlashCommandContext): void {
  app.command(/^\/(news|feeds)$/, async ({ command, ack, respond }) => {
    await ack();
    await runCommand(command, respond, context);
  });
  // Link buttons also send an interaction when interactivity is on; unanswered, Slack shows a warning.
  app.action(READ_MORE_ACTION, async ({ ack }) => {
    await ack();
  });
}

/** Turns one slash command into a CommandRequest, runs it, and answers through response_url. */
export async function runCommand(command: SlashCommand, respond: RespondFn, context: SlashCommandContext): Promise<void> {
  const name = command.command.slice(1) as CommandName;
  const { subcommand, options } = parseCommandText(name, command.text ?? "");
  const profile = userProfileLoader(context.client, command.user_id, context.log);
  // The reply language needs the locale for every command, so it is looked up now (one users.info, shared with isAdmin).
  const locale = (await profile())?.locale ?? null;
  const request: CommandRequest = {
    platform: "slack",
    command: name,
    subcommand,
    options,
    channelId: command.channel_id,
    userId: command.user_id,
    locale,
    isAdmin: adminCheck(command.user_id, context.admins, profile),
  };
  let reply: CommandReply;
  try {
    reply = await context.handler(request);
  } catch (error) {
    context.log.error({ command: name, subcommand, error: (error as Error)?.message }, "Slack command handler failed");
    reply = { ephemeral: true, blocks: [{ type: "paragraph", children: [{ type: "text", value: t(locale, "error.generic") }] }] };
  }
  try {
    await sendReply(respond, reply, context);
  } catch (error) {
    // The response_url is a bearer URL for this user: log the status only.
    const status = (error as { response?: { status?: number } }).response?.status;
    context.log.error({ command: name, subcommand, status, error: status ? undefined : (error as Error)?.message }, "could not send the Slack command reply");
  }
}

/**
 * Wires `/news` and `/feeds` on a grammY bot to Herald's command handler.
 * grammY matches `/news` and `/news@<this bot>` and ignores `/news@OtherBot`,
 * so in a group with several bots only commands meant for Herald arrive.
 */
import type { Bot, CommandContext, Context } from "grammy";
import type { CommandHandler, CommandName, CommandReply } from "../../src/chat/types.ts";
import { primaryLanguage } from "../../src/message/labels.ts";
import { commandRequestFrom, type RequestDeps } from "./command-request.ts";
import { scrubToken, telegramError } from "./errors.ts";
import { sendCommandReply } from "./reply.ts";

export const TELEGRAM_COMMANDS: readonly CommandName[] = ["news", "feeds"];

export interface RouterDeps extends RequestDeps {
  /** The handler given to start(); null before start and after stop (commands are then ignored). */
  handler: () => CommandHandler | null;
}

/** Installs the command routes and an error handler that logs without the token. */
export function routeTelegramCommands(bot: Bot, deps: RouterDeps): void {
  for (const command of TELEGRAM_COMMANDS) {
    bot.command(command, (ctx) => answer(ctx, command, deps));
  }
  bot.catch((error) => {
    const reason = scrubToken(error.error instanceof Error ? error.error.message : String(error.error), deps.client.token);
    deps.client.log.error({ updateId: error.ctx.update.update_id, reason }, "telegram: update handling failed");
  });
}

async function answer(ctx: CommandContext<Context>, command: CommandName, deps: RouterDeps): Promise<void> {
  const handler = deps.handler();
  if (!handler) return;
  // ctx.api carries the same retry policy as the bot's api.
  const client = { ...deps.client, api: ctx.api };
  const request = commandRequestFrom(ctx, command, { ...deps, client });
  let reply: CommandReply;
  try {
    reply = await handler(request);
  } catch (error) {
    const reason = scrubToken(error instanceof Error ? error.message : String(error), deps.client.token);
    client.log.error({ command, subcommand: request.subcommand, chatId: request.channelId, reason }, "telegram: command failed");
    reply = failureReply(request.locale);
  }
  try {
    await sendCommandReply(client, request.channelId, ctx.msg.message_id, reply);
  } catch (error) {
    const reason = telegramError(error, client.token, "command reply").message;
    client.log.warn({ command, chatId: request.channelId, reason }, "telegram: could not send a command reply");
  }
}

/** What the user sees when the handler itself failed: no details, they are in the log. */
function failureReply(locale: string | null): CommandReply {
  const text = primaryLanguage(locale ?? "") === "ko"
    ? "명령을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요."
    : "Herald could not answer this command. Please try again later.";
  return { ephemeral: true, blocks: [{ type: "paragraph", children: [{ type: "text", value: text }] }] };
}

/**
 * Wires `/news` and `/feeds` on a grammY bot to Herald's command handler, for
 * polling and webhook alike, and sends the answer into the chat.
 * grammY matches `/news` and `/news@<this bot>` and ignores `/news@OtherBot`,
 * so in a group with several bots only commands meant for Herald arrive.
 */
import type { Bot, CommandContext, Context } from "grammy";
import type { CommandHandler, CommandName, CommandReply } from "../../src/chat/types.ts";
import { commandRequestFrom, type RequestDeps } from "./command-request.ts";
import { TELEGRAM_COMMANDS } from "./commands.ts";
import { scrubToken, toTelegramError } from "./errors.ts";
import { toChatId } from "./ids.ts";
import { sendTelegramNews } from "./poster.ts";
import { failureReply, replyText } from "./reply.ts";
import type { TelegramClient } from "./types.ts";

export interface RouterDeps extends RequestDeps {
  /** The handler given to start(); null before start and after stop (commands are then ignored). */
  handler: () => CommandHandler | null;
}

/** Installs the command routes and an error handler that logs without the token. */
export function routeTelegramCommands(bot: Bot, deps: RouterDeps): void {
  for (const command of TELEGRAM_COMMANDS) {
    bot.command(command, (ctx) => answerCommand(ctx, command, deps));
  }
  bot.catch((error) => {
    const reason = scrubToken(
      error.error instanceof Error ? error.error.message : String(error.error),
      deps.client.token,
    );
    deps.client.log.error({ updateId: error.ctx.update.update_id, reason }, "telegram: update handling failed");
  });
}

async function answerCommand(ctx: CommandContext<Context>, command: CommandName, deps: RouterDeps): Promise<void> {
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
    client.log.error(
      { command, subcommand: request.subcommand, chatId: request.channelId, reason },
      "telegram: command failed",
    );
    reply = failureReply(request.locale);
  }
  try {
    await sendCommandReply(client, request.channelId, ctx.msg.message_id, reply);
  } catch (error) {
    const reason = toTelegramError(error, client.token, "command reply").message;
    client.log.warn({ command, chatId: request.channelId, reason }, "telegram: could not send a command reply");
  }
}

/**
 * Sends a command's reply to `chatId`: its text (reply.ts), then the article,
 * if any, exactly as a delivery would post it (card photo, caption, button).
 * The first message replies to `replyTo`.
 */
export async function sendCommandReply(
  client: TelegramClient,
  chatId: string,
  replyTo: number | undefined,
  reply: CommandReply,
): Promise<void> {
  const target = toChatId(chatId);
  const text = replyText(reply);
  if (text !== null) {
    try {
      await client.api.raw.sendMessage({
        chat_id: target,
        text,
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(replyTo !== undefined
          ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
          : {}),
      });
    } catch (error) {
      throw toTelegramError(error, client.token, `reply in ${chatId}`);
    }
  }
  if (reply.article) {
    await sendTelegramNews(client, chatId, reply.article.message, reply.article.card, {
      ...(text !== null || replyTo === undefined ? {} : { replyTo }),
    });
  }
}

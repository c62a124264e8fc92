/**
 * Runs a command and puts the answer where the user is waiting: the
 * interaction's deferred `@original` message. Shared by the HTTP endpoint and
 * the gateway, which differ only in how they acknowledge the interaction.
 *
 * Visibility: Discord fixes whether the response is ephemeral when it is
 * deferred, before Herald knows the reply, so every command is deferred
 * ephemeral ({@link DEFER_FLAGS}) and every reply is seen only by whoever
 * typed the command, even one the handler marks `ephemeral: false`.
 */
import type { REST } from "@discordjs/rest";
import { MessageFlags, Routes } from "discord.js";
import type { CommandHandler, CommandReply } from "../../src/chat/types.ts";
import type { Log } from "../../src/log.ts";
import type { CommandInvocation } from "./command-request.ts";
import { toDiscordError } from "./errors.ts";
import { failureReply, type RenderedReply, renderReply } from "./reply.ts";

/** Flags of the deferred response: ephemeral, see the module comment. */
export const DEFER_FLAGS = MessageFlags.Ephemeral;

export async function answerCommand(
  rest: REST,
  invocation: CommandInvocation,
  handler: CommandHandler,
  log?: Log,
): Promise<void> {
  const { request } = invocation;
  const where = { command: request.command, subcommand: request.subcommand, channelId: request.channelId };
  let reply: CommandReply;
  try {
    reply = await handler(request);
  } catch (error) {
    log?.error({ ...where, err: error }, "discord command handler failed");
    reply = failureReply(request.locale);
  }
  try {
    await editOriginal(rest, invocation, renderReply(reply));
  } catch (error) {
    const mapped = toDiscordError(error);
    log?.error({ ...where, error: mapped.message }, "discord: could not deliver the command reply");
    // A reply Discord refuses (too large, bad embed) must not leave the user looking at "thinking…".
    if (mapped.code !== "validation") return;
    await editOriginal(rest, invocation, renderReply(failureReply(request.locale))).catch((again: unknown) => {
      log?.error(
        { ...where, error: toDiscordError(again).message },
        "discord: could not deliver the failure reply either",
      );
    });
  }
}

/** `PATCH /webhooks/{application}/{token}/messages/@original`: the interaction token is the credential, not the bot token. */
function editOriginal(rest: REST, invocation: CommandInvocation, rendered: RenderedReply): Promise<unknown> {
  return rest.patch(Routes.webhookMessage(invocation.applicationId, invocation.token, "@original"), {
    auth: false,
    body: rendered.body,
    files: rendered.files,
  });
}

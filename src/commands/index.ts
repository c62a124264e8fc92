/**
 * Herald's chat commands, the same on every platform: adapters turn
 * platform input into a {@link CommandRequest}, {@link runCommand} answers
 * with a platform-neutral {@link CommandReply}, adapters render it.
 */
import type { CommandReply, CommandRequest } from "../chat/types.ts";
import { languageOf } from "../i18n/index.ts";
import { runFeeds } from "./feeds.ts";
import { runNews } from "./news.ts";
import { sayReply } from "./reply.ts";
import type { CommandContext, CommandServices } from "./types.ts";
import { usageReply } from "./usage.ts";

export { CHAT_FEED_INTERVAL_MS } from "./feeds-add.ts";
export type { ChatPlatform, CommandServices } from "./types.ts";

/**
 * Runs one command and answers it. Never throws: mistakes in what the user
 * typed get a reply saying what to fix, and unexpected failures (the store,
 * the scheduler, the platform's admin check) are logged through
 * `services.log` and answered with a generic apology that leaks nothing.
 * Replies are in Korean for "ko"/"ko-KR" locales, English otherwise, and
 * always ephemeral.
 *
 * @example
 * const reply = await runCommand(
 *   { platform: "discord", command: "news", subcommand: "latest", options: { count: "3" },
 *     channelId: "123…", userId: "456…", locale: "ko", isAdmin: async () => false },
 *   services,
 * );
 */
export async function runCommand(request: CommandRequest, services: CommandServices): Promise<CommandReply> {
  const ctx: CommandContext = { request, services, lang: languageOf(request.locale) };
  try {
    switch (request.command) {
      case "news":
        return await runNews(ctx);
      case "feeds":
        return await runFeeds(ctx);
      default:
        return usageReply(ctx.lang, null, null);
    }
  } catch (error) {
    services.log?.error(
      { err: error, command: request.command, subcommand: request.subcommand, platform: request.platform },
      "command failed",
    );
    return sayReply(ctx.lang, "error.generic");
  }
}

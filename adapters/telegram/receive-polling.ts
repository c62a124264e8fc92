/**
 * Long polling with `@grammyjs/runner`: updates are handled concurrently, so
 * one slow command (a search) does not hold up the others.
 */
import { type RunnerHandle, run } from "@grammyjs/runner";
import type { Bot, Transformer } from "grammy";
import { scrubToken, toTelegramError } from "./errors.ts";
import type { TelegramClient } from "./types.ts";

/** Commands arrive as messages in groups and private chats, and as channel posts in channels. */
export const TELEGRAM_UPDATE_TYPES = ["message", "channel_post"] as const;

/** Seconds Telegram holds a getUpdates call open waiting for updates. */
const POLL_TIMEOUT_SECONDS = 30;

/**
 * Removes any webhook (Telegram refuses getUpdates while one is set; pending
 * updates are kept) and starts polling. The bot must be initialised
 * (`bot.init()`). Stop with `handle.stop()`, which waits for running handlers.
 */
export async function startTelegramPolling(
  bot: Bot,
  client: TelegramClient,
  onStopped?: (reason: string) => void,
): Promise<RunnerHandle> {
  try {
    await bot.api.deleteWebhook({ drop_pending_updates: false });
  } catch (error) {
    throw toTelegramError(error, client.token, "deleteWebhook before polling");
  }
  const handle = run(bot, {
    runner: {
      // The runner would print errors, token-bearing URLs included, to the console.
      silent: true,
      fetch: { timeout: POLL_TIMEOUT_SECONDS, allowed_updates: TELEGRAM_UPDATE_TYPES },
    },
  });
  // The runner gives up on 401 (token revoked) and 409 (another poller with this token). A caller
  // that handles it (a fleet hands the polling duty back to be taken again) also says it, once.
  handle.task()?.catch((error: unknown) => {
    const reason = toTelegramError(error, client.token, "getUpdates").message;
    if (onStopped) onStopped(reason);
    else client.log.error({ reason }, "telegram: long polling stopped");
  });
  return handle;
}

/**
 * An API transformer that logs failed getUpdates calls (the runner retries
 * them silently), minus the token. Calls cancelled by stop() are not logged.
 */
export function logPollingFailures(client: Pick<TelegramClient, "token" | "log">): Transformer {
  const warn = (reason: string) =>
    client.log.warn({ reason: scrubToken(reason, client.token) }, "telegram: getUpdates failed, retrying");
  return async (prev, method, payload, signal) => {
    if (method !== "getUpdates") return prev(method, payload, signal);
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) warn(`${result.error_code}: ${result.description}`);
      return result;
    } catch (error) {
      if (!signal?.aborted) warn(error instanceof Error ? error.message : String(error));
      throw error;
    }
  };
}

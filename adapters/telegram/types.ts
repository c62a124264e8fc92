import type { Api } from "grammy";

/** A pino-compatible logger: `log.warn({ chatId }, "reply failed")`. */
export interface TelegramLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** Drops every line: the default when no logger is given. */
export const silentLogger: TelegramLogger = { info() {}, warn() {}, error() {} };

/** What the sending functions need: the API (with its retry policy), the token to scrub from errors, a logger. */
export interface TelegramClient {
  api: Api;
  token: string;
  log: TelegramLogger;
}

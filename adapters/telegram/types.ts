import type { Api } from "grammy";
import type { Log } from "../../src/log.ts";

/** What the sending functions need: the API (with its retry policy), the token to scrub from errors, a logger. */
export interface TelegramClient {
  api: Api;
  token: string;
  log: Log;
}

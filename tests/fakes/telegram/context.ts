/** What every Bot API method handler gets. */
import type { BotState } from "./bot-state.ts";
import type { BotRequest } from "./params.ts";
import type { TelegramRateLimiter } from "./ratelimit.ts";
import type { UpdateQueue } from "./updates.ts";

export interface BotIdentity {
  id: number;
  username: string;
  firstName: string;
}

export interface MethodContext {
  state: BotState;
  updates: UpdateQueue;
  limiter: TelegramRateLimiter;
  bot: BotIdentity;
  /** Refuse bare "&"/">" in HTML (see html-entities.ts). */
  strictHtml: boolean;
  onRateLimited(chatId: string): void;
}

/** A Bot API method: returns the `result`, or throws a TelegramApiError. */
export type BotMethod = (request: BotRequest, ctx: MethodContext) => unknown;

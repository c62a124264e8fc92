/**
 * How fast Herald may send to Telegram (bots FAQ, "My bot is hitting limits"):
 * about 30 messages a second overall, no more than one a second in a private
 * chat, and no more than 20 a minute in a group or channel. The delivery queue
 * paces jobs with these numbers across workers; the client's auto-retry only
 * absorbs what slips through.
 */

/** Messages per second the bot may send across all chats. */
export const TELEGRAM_GLOBAL_PER_SECOND = 30;

/** Group or channel: 20 messages a minute. */
const GROUP_INTERVAL_MS = 3_000;
/** Private chat: one message a second. */
const PRIVATE_INTERVAL_MS = 1_000;

export interface ChatPace {
  /** The least time between two messages to this chat. */
  minIntervalMs: number;
}

/**
 * The pace for one chat, from Telegram's id conventions: users have positive
 * ids, groups negative ones (supergroups and channels -100…), and
 * "@username" always names a public channel or supergroup. A delivery with a
 * card and a long text is two messages (photo + follow-up): pass
 * `messageCount` to pace whole deliveries.
 *
 * @example telegramChatPace("@herald_news") // { minIntervalMs: 3000 }
 */
export function telegramChatPace(chatId: string, messageCount = 1): ChatPace {
  const id = chatId.trim();
  const isPrivate = /^\d+$/.test(id);
  // Anything not clearly a user (including ids we cannot read) gets the stricter group pace.
  const perMessage = isPrivate ? PRIVATE_INTERVAL_MS : GROUP_INTERVAL_MS;
  return { minIntervalMs: perMessage * Math.max(1, Math.ceil(messageCount)) };
}

/**
 * Telegram Bot API limits, counted after entity parsing (visible text). See
 * https://core.telegram.org/bots/api#sendmessage and #sendphoto
 */
export const TELEGRAM_LIMITS = {
  messageText: 4096,
  caption: 1024,
} as const;

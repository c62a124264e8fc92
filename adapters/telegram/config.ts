/** The `telegram:` config section and Telegram's destination kind, defaults included. */
import { z } from "zod";
import { apiUrl, httpUrl } from "../shared/config.ts";

/** Tokens may be absent here; the adapter names the missing env var when the bot is used. */
export const telegramSection = z.strictObject({
  token: z.string().optional(),
  mode: z.enum(["polling", "webhook"]).default("polling"),
  webhookSecret: z.string().optional(),
  webhookUrl: httpUrl.optional(),
  apiUrl,
  admins: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  /** Let anyone manage feeds of their own private chat with the bot (each DM its own admin). Off: only `admins` can there. */
  privateFeeds: z.boolean().default(false),
});

const chatId = z
  .union([
    z.string().regex(/^(@[A-Za-z][A-Za-z0-9_]{3,}|-?\d+)$/, "must be @channelname or a numeric chat id"),
    z.number().int(),
  ])
  .transform(String);

/**
 * `topicId`: one topic of a forum supergroup (its `message_thread_id`): posts and their story
 * updates go there. The bot's channel for it is "<chatId>/<topicId>" (ids.ts); commands come from the chat.
 */
export const telegramDestination = z.strictObject({
  type: z.literal("telegram"),
  chatId,
  topicId: z.number().int().positive().optional(),
});

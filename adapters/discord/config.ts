/** The `discord:` config section and Discord's destination kinds, defaults included. */
import { z } from "zod";
import { apiUrl, httpUrl } from "../shared/config.ts";

const webhookUrl = httpUrl.refine((url) => /\/api(\/v\d+)?\/webhooks\/\d+\/[\w-]+\/?$/.test(new URL(url).pathname), {
  message: "must be a Discord webhook URL ending in /api/webhooks/{id}/{token}",
});

const channelId = z.string().regex(/^\d{17,20}$/, "must be a Discord channel id (17–20 digits)");

/** Tokens may be absent here; the adapter names the missing env var when the bot is used. */
export const discordSection = z.strictObject({
  token: z.string().optional(),
  applicationId: z
    .string()
    .regex(/^\d{17,20}$/, "must be the application id (17–20 digits)")
    .optional(),
  publicKey: z.string().optional(),
  mode: z.enum(["gateway", "http", "none"]).default("gateway"),
  apiUrl,
  admins: z.array(z.string()).default([]),
});

export const discordDestination = z.strictObject({ type: z.literal("discord"), channelId });

/**
 * A webhook posts into one channel; naming it lets /news and /feeds typed there see this destination's feeds.
 * `threadId` (a thread or forum post of that channel) makes it post there, and story updates go there too:
 * a webhook cannot start a thread of its own.
 */
export const discordWebhookDestination = z.strictObject({
  type: z.literal("discord-webhook"),
  url: webhookUrl,
  channelId: channelId.optional(),
  threadId: z
    .string()
    .regex(/^\d{17,20}$/, "must be a Discord thread id (17–20 digits)")
    .optional(),
});

/** The `slack:` config section and Slack's destination kinds, defaults included. */
import { z } from "zod";
import { apiUrl, httpUrl } from "../shared/config.ts";
import { DEFAULT_SLACK_MODE } from "./options.ts";

const channelId = z.string().regex(/^[CGD][A-Z0-9]{6,}$/, "must be a Slack channel id like C0123456789");

/** Tokens may be absent here; the adapter names the missing env var when the bot is used. */
export const slackSection = z.strictObject({
  botToken: z.string().optional(),
  signingSecret: z.string().optional(),
  appToken: z.string().optional(),
  mode: z.enum(["http", "socket"]).default(DEFAULT_SLACK_MODE),
  apiUrl,
  admins: z.array(z.string()).default([]),
});

export const slackDestination = z.strictObject({ type: z.literal("slack"), channel: channelId });

/** An incoming webhook; `channel` (the one it posts into) lets /news and /feeds typed there see its feeds. */
export const slackWebhookDestination = z.strictObject({
  type: z.literal("slack-webhook"),
  url: httpUrl,
  channel: channelId.optional(),
});

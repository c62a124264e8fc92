/**
 * The Web API client every Slack call goes through. Rate limits are the
 * client's job: on a 429 it pauses its whole request queue for Retry-After
 * seconds and tries again (`rejectRateLimitedCalls: false`), and it retries
 * 5xx answers and connection failures with backoff, a bounded number of times.
 * Slack's ~1 message a second per channel is therefore absorbed here without
 * losing a post; only when the retries run out does the caller see a
 * RateLimitError or NetworkError.
 */
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { Log } from "../../src/log.ts";
import { slackLogger } from "./logger.ts";
import type { SlackRetryOptions } from "./types.ts";

export interface SlackClientOptions {
  /** Web API base URL; default https://slack.com/api/. Tests point it at the fake. */
  apiUrl?: string | undefined;
  retry?: SlackRetryOptions | undefined;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number | undefined;
  log: Log;
}

/** WebClient options shared by Herald's own client and Bolt's (`clientOptions`). */
export function slackClientOptions(options: SlackClientOptions): WebClientOptions {
  const retry = options.retry ?? {};
  return {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    logger: slackLogger(options.log, "slack-web-api"),
    retryConfig: {
      retries: retry.retries ?? 5,
      factor: 2,
      minTimeout: retry.minTimeoutMs ?? 1_000,
      maxTimeout: retry.maxTimeoutMs ?? 30_000,
      randomize: true,
    },
    rejectRateLimitedCalls: false,
    timeout: options.timeoutMs ?? 30_000,
    // The original axios error holds the request config, Authorization header included.
    attachOriginalToWebAPIRequestError: false,
  };
}

export function createSlackClient(botToken: string, options: SlackClientOptions): WebClient {
  return new WebClient(botToken, slackClientOptions(options));
}

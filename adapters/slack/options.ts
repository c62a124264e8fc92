/** The Slack adapter's options, checked once at creation with messages that say what to set. */
import type { Log } from "../../src/log.ts";
import type { SlackRetryOptions } from "./types.ts";

/** Socket Mode needs no public URL, so it is the default, here and in the `slack:` config section alike. */
export const DEFAULT_SLACK_MODE = "socket" as const;

export interface SlackAdapterOptions {
  /** Bot token (xoxb-…). Env: SLACK_BOT_TOKEN. */
  botToken?: string | undefined;
  /** How commands arrive: "http" (request URL on Herald's server) or "socket" (Socket Mode). Default {@link DEFAULT_SLACK_MODE}. */
  mode?: "http" | "socket" | undefined;
  /** HTTP mode: the app's signing secret. Env: SLACK_SIGNING_SECRET. */
  signingSecret?: string | undefined;
  /** Socket Mode: app-level token (xapp-…, scope connections:write). Env: SLACK_APP_TOKEN. */
  appToken?: string | undefined;
  /** Web API base URL, default https://slack.com/api/. Env: SLACK_API_URL. */
  apiUrl?: string | undefined;
  /** HTTP mode: the path of the request URL. Default "/slack/events". */
  eventsPath?: string | undefined;
  /** Slack user ids (U…/W…) that are Herald admins whatever their workspace role. */
  admins?: readonly string[] | undefined;
  log?: Log | undefined;
  retry?: SlackRetryOptions | undefined;
  /** Per-request timeout of Web API calls. Default 30 s. */
  timeoutMs?: number | undefined;
  /** Waits between attempts to show a card Slack is still processing. Default 0.5 s, 1.5 s, 5 s. */
  cardWaitsMs?: readonly number[] | undefined;
}

export interface CheckedSlackOptions {
  botToken: string;
  mode: "http" | "socket";
  signingSecret: string | null;
  appToken: string | null;
  eventsPath: string;
  admins: ReadonlySet<string>;
}

function required(value: string | undefined, key: string, env: string, when = ""): string {
  if (value === undefined || value.trim() === "") {
    throw new Error(`slack.${key} is required${when}. Set ${env} or provide it in config.`);
  }
  return value.trim();
}

/** Validates the options; throws an Error naming the setting (never its value) on the first problem. */
export function checkSlackOptions(options: SlackAdapterOptions): CheckedSlackOptions {
  const botToken = required(options.botToken, "botToken", "SLACK_BOT_TOKEN");
  if (!botToken.startsWith("xox")) {
    throw new Error("slack.botToken must be a bot token (xoxb-…), found something else. Check SLACK_BOT_TOKEN.");
  }
  const mode = options.mode ?? DEFAULT_SLACK_MODE;
  if (mode !== "http" && mode !== "socket")
    throw new Error(`slack.mode must be "http" or "socket", not "${String(mode)}".`);
  let signingSecret: string | null = null;
  let appToken: string | null = null;
  if (mode === "http")
    signingSecret = required(options.signingSecret, "signingSecret", "SLACK_SIGNING_SECRET", " in HTTP mode");
  else {
    appToken = required(options.appToken, "appToken", "SLACK_APP_TOKEN", " in Socket Mode");
    if (!appToken.startsWith("xapp-")) {
      throw new Error(
        "slack.appToken must be an app-level token (xapp-…) with the connections:write scope. Check SLACK_APP_TOKEN.",
      );
    }
  }
  const eventsPath = options.eventsPath ?? "/slack/events";
  if (!/^\/[\w\-/]*$/.test(eventsPath))
    throw new Error(`slack.eventsPath must be a path like /slack/events, not "${eventsPath}".`);
  const admins = new Set<string>();
  for (const admin of options.admins ?? []) {
    if (!/^[UW][A-Z0-9]{2,}$/.test(admin))
      throw new Error(`slack.admins entry "${admin}" is not a Slack user id (U… or W…).`);
    admins.add(admin);
  }
  return { botToken, mode, signingSecret, appToken, eventsPath, admins };
}

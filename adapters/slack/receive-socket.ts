/**
 * Socket Mode: Herald opens a WebSocket to Slack (app-level token `xapp-…`
 * with connections:write) and receives commands over it, so no public URL is
 * needed. Commands are handled exactly as in HTTP mode (respond.ts).
 */
import { App } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import type { Log } from "../../src/log.ts";
import { slackLogger } from "./logger.ts";

export interface SocketModeOptions {
  botToken: string;
  appToken: string;
  clientOptions: WebClientOptions;
  log: Log;
}

/** The Bolt app; it connects on `app.start()` and disconnects on `app.stop()`. */
export function createSocketModeApp(options: SocketModeOptions): App {
  return new App({
    token: options.botToken,
    appToken: options.appToken,
    socketMode: true,
    logger: slackLogger(options.log, "slack-bolt"),
    clientOptions: options.clientOptions,
    deferInitialization: true,
  });
}

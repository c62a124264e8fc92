/**
 * HTTP mode: Slack POSTs slash commands (and interactions) to Herald's own
 * HTTP server. Bolt's HTTPReceiver does the protocol — it checks the
 * `X-Slack-Signature` HMAC in constant time and refuses requests whose
 * timestamp is more than 5 minutes off (401 either way), answers SSL checks
 * and URL verification, and sends the 3-second ack — but never listens on a
 * port of its own: its `requestListener` is handed each request instead.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPReceiver } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import type { HttpHandler } from "../../src/chat/types.ts";
import { slackLogger } from "./logger.ts";
import type { SlackLog } from "./types.ts";

/** Command and interaction payloads are a few KB; anything this big is not from Slack. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpModeOptions {
  botToken: string;
  signingSecret: string;
  /** Path Slack's request URLs point at. Default "/slack/events". */
  path: string;
  clientOptions: WebClientOptions;
  log: SlackLog;
}

export interface HttpModeApp {
  app: App;
  /** Serves `POST {path}`; resolves once the answer is sent. */
  route: HttpHandler;
}

export function createHttpModeApp(options: HttpModeOptions): HttpModeApp {
  const logger = slackLogger(options.log, "slack-bolt");
  const receiver = new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: options.path, logger });
  const app = new App({
    token: options.botToken,
    receiver,
    logger,
    clientOptions: options.clientOptions,
    // auth.test runs in start() (App#init), so a bad token fails there, not in a constructor.
    deferInitialization: true,
  });
  const route: HttpHandler = (req, res) => delegate(receiver, req, res);
  return { app, route };
}

function delegate(receiver: HTTPReceiver, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    res.once("finish", () => resolve());
    res.once("close", () => resolve());
    if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
      res.writeHead(413).end();
      return;
    }
    try {
      // Answers asynchronously; paths other than the endpoint throw HTTPReceiverDeferredRequestError.
      receiver.requestListener(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(404).end();
      else res.destroy();
    }
  });
}

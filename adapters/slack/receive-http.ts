/**
 * HTTP mode: Slack POSTs slash commands (and interactions) to Herald's own
 * HTTP server. Bolt's HTTPReceiver does the protocol — it checks the
 * `X-Slack-Signature` HMAC in constant time and refuses requests whose
 * timestamp is more than 5 minutes off (401 either way), answers SSL checks
 * and URL verification, and sends the 3-second ack — but never listens on a
 * port of its own: its `requestListener` is handed each request instead,
 * with the body already read under Herald's byte limit (Bolt itself would
 * buffer a chunked body of any size before checking the signature).
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { App, type BufferedIncomingMessage, HTTPReceiver } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import type { HttpHandler } from "../../src/adapter.ts";
import type { Log } from "../../src/log.ts";
import { BodyTooLargeError, closeUnlessBodyRead, readRequestBody } from "../shared/request-body.ts";
import { slackLogger } from "./logger.ts";

/** Command and interaction payloads are a few KB; anything this big is not from Slack. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpModeOptions {
  botToken: string;
  signingSecret: string;
  /** Path Slack's request URLs point at. Default "/slack/events". */
  path: string;
  clientOptions: WebClientOptions;
  log: Log;
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

/**
 * Reads the body itself, counting bytes as they arrive, and gives Bolt the
 * same request with the bytes attached as `rawBody`: Bolt's
 * bufferIncomingMessage uses a `rawBody` that is already there instead of
 * reading the stream without a limit, and still verifies the signature on it.
 */
async function delegate(receiver: HTTPReceiver, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  try {
    body = await readRequestBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    closeUnlessBodyRead(req, res);
    res.writeHead(413, { "content-type": "text/plain" }).end(`request body is over ${MAX_BODY_BYTES} bytes`);
    return;
  }
  const buffered: BufferedIncomingMessage = Object.assign(req, { rawBody: body });
  return new Promise((resolve) => {
    res.once("finish", () => resolve());
    res.once("close", () => resolve());
    try {
      // Answers asynchronously; paths other than the endpoint throw HTTPReceiverDeferredRequestError.
      receiver.requestListener(buffered, res);
    } catch {
      if (!res.headersSent) res.writeHead(404).end();
      else res.destroy();
    }
  });
}

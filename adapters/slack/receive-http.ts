/**
 * HTTP mode: Slack POSTs slash commands (and interactions) to Herald's own
 * HTTP server. Bolt's own HTTPReceiver takes node:http objects and reads the
 * body without a limit, so this is a small Bolt `Receiver` over a web
 * handler instead, shaped like Bolt's HTTPReceiver: the body is read under a
 * byte limit as it streams, the `X-Slack-Signature` HMAC is checked by Bolt's
 * `verifySlackRequest` (constant-time; a timestamp more than 5 minutes old is
 * refused), SSL checks and URL verification are answered, and the HTTP answer
 * is whatever the listener's `ack()` gave, sent at once (Slack's deadline is
 * 3 s) while the listener carries on.
 */

import {
  App,
  ErrorCode,
  type Receiver,
  type ReceiverEvent,
  ReceiverMultipleAckError,
  verifySlackRequest,
} from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import type { HttpHandler } from "../../src/adapter.ts";
import type { Log } from "../../src/log.ts";
import { BodyTooLargeError, plainText, readRequestBody } from "../shared/request-body.ts";
import { slackLogger } from "./logger.ts";

/** Command and interaction payloads are a few KB; anything this big is not from Slack. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Bolt's HTTPReceiver gives a listener this long to ack before it answers 404 itself. */
const ACK_WITHIN_MS = 3001;

export interface HttpModeOptions {
  botToken: string;
  signingSecret: string;
  clientOptions: WebClientOptions;
  log: Log;
}

export interface HttpModeApp {
  app: App;
  /** Serves Slack's requests (mounted at the events path); resolves with the answer once a listener acked. */
  route: HttpHandler;
}

export function createHttpModeApp(options: HttpModeOptions): HttpModeApp {
  const logger = slackLogger(options.log, "slack-bolt");
  const receiver = new WebReceiver(options.signingSecret, options.log);
  const app = new App({
    token: options.botToken,
    receiver,
    logger,
    clientOptions: options.clientOptions,
    // auth.test runs in start() (App#init), so a bad token fails there, not in a constructor.
    deferInitialization: true,
  });
  return { app, route: (request) => receiver.handle(request) };
}

/** A Bolt receiver that listens on nothing: Herald's server hands it each request as a web Request. */
class WebReceiver implements Receiver {
  #app: App | null = null;

  constructor(
    private readonly signingSecret: string,
    private readonly log: Log,
  ) {}

  init(app: App): void {
    this.#app = app;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async handle(request: Request): Promise<Response> {
    let raw: string;
    try {
      raw = (await readRequestBody(request, MAX_BODY_BYTES)).toString("utf8");
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return plainText(413, `request body is over ${MAX_BODY_BYTES} bytes`);
    }
    const form = mediaType(request) === "application/x-www-form-urlencoded" ? new URLSearchParams(raw) : null;
    // Slack's SSL check carries no signature; answered without reading anything else from it.
    if (form?.get("ssl_check") === "1") return new Response(null, { status: 200 });
    try {
      verifySlackRequest({
        signingSecret: this.signingSecret,
        body: raw,
        headers: {
          "x-slack-signature": request.headers.get("x-slack-signature") ?? "",
          "x-slack-request-timestamp": Number(request.headers.get("x-slack-request-timestamp")),
        },
      });
    } catch (error) {
      // Bolt's reasons name the check that failed, never the secret or the signature.
      this.log.warn({ reason: (error as Error).message }, "slack: refused a request with a bad signature");
      return new Response(null, { status: 401 });
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, form);
    } catch (error) {
      this.log.warn({ reason: (error as Error).message }, "slack: refused a malformed request body");
      return new Response(null, { status: 400 });
    }
    if (body.type === "url_verification") return Response.json({ challenge: body.challenge });
    return this.dispatch(body, request.headers);
  }

  /** Runs the event through Bolt; the answer is what `ack()` was given, as soon as it is called. */
  private dispatch(body: Record<string, unknown>, headers: Headers): Promise<Response> {
    const app = this.#app;
    if (!app) return Promise.resolve(new Response(null, { status: 503 }));
    return new Promise((answer) => {
      let acked = false;
      const unacked = setTimeout(() => {
        this.log.error({}, "slack: no listener acknowledged the request within 3 s");
        answer(new Response(null, { status: 404 }));
      }, ACK_WITHIN_MS);
      const retryNum = Number.parseInt(headers.get("x-slack-retry-num") ?? "", 10);
      const retryReason = headers.get("x-slack-retry-reason");
      const event: ReceiverEvent = {
        body,
        ack: async (response?: unknown) => {
          if (acked) throw new ReceiverMultipleAckError();
          acked = true;
          clearTimeout(unacked);
          answer(ackResponse(response));
        },
        ...(Number.isNaN(retryNum) ? {} : { retryNum }),
        ...(retryReason === null ? {} : { retryReason }),
        customProperties: {},
      };
      app.processEvent(event).then(
        () => {
          // Every listener is done and none acked: nothing will.
          if (acked) return;
          clearTimeout(unacked);
          answer(new Response(null, { status: 404 }));
        },
        (error: unknown) => {
          clearTimeout(unacked);
          if (acked) {
            this.log.error({ err: (error as Error).message }, "slack: a listener failed after acknowledging");
            return;
          }
          const unauthorized = (error as { code?: unknown }).code === ErrorCode.AuthorizationError;
          if (!unauthorized) this.log.error({ err: (error as Error).message }, "slack: processing a request failed");
          answer(new Response(null, { status: unauthorized ? 401 : 500 }));
        },
      );
    });
  }
}

/** Events are JSON; commands are a form; interactions are a form whose `payload` field is JSON. */
function parseBody(raw: string, form: URLSearchParams | null): Record<string, unknown> {
  const payload = form ? form.get("payload") : raw;
  if (form && payload === null) return Object.fromEntries(form);
  const value: unknown = JSON.parse(payload as string);
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("the payload is not a JSON object");
  return value as Record<string, unknown>;
}

/** What the listener passed to `ack()`, as Bolt's HTTPReceiver sends it. */
function ackResponse(response: unknown): Response {
  if (!response) return new Response(null, { status: 200 });
  if (typeof response === "string") return new Response(response, { status: 200 });
  return Response.json(response);
}

function mediaType(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * The Interactions Endpoint URL: Discord POSTs each slash command here, signed.
 * The request is authenticated before its JSON is even parsed; a command is
 * answered at once with a deferred ephemeral response (Discord's deadline is
 * 3 s) and the work finishes in the background with an `@original` edit.
 */

import type { KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { InteractionResponseType } from "discord.js";
import type { HttpHandler } from "../../src/chat/types.ts";
import { type CommandInvocation, type InteractionContext, InteractionPayloadError, parseInteraction } from "./interaction.ts";
import { unknownCommandText } from "./reply.ts";
import { DEFER_FLAGS } from "./respond.ts";
import { checkDiscordSignature } from "./signature.ts";
import type { AdapterLog } from "./types.ts";

/** Interactions are small; one with resolved members and long options stays far below this. */
export const DEFAULT_MAX_INTERACTION_BYTES = 256 * 1024;

export interface InteractionsEndpointOptions {
  publicKey: KeyObject;
  context: InteractionContext;
  /** Runs after the deferred response has been sent; must not throw. */
  onCommand: (invocation: CommandInvocation) => void;
  maxBodyBytes?: number;
  log?: AdapterLog | undefined;
}

export function discordInteractionsHandler(options: InteractionsEndpointOptions): HttpHandler {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_INTERACTION_BYTES;
  return async (req, res) => {
    const body = await readLimited(req, limit);
    if (body === null) return reply(res, 413, { error: `interaction body is over ${limit} bytes` }, true);

    const check = checkDiscordSignature(
      options.publicKey,
      header(req, "x-signature-ed25519"),
      header(req, "x-signature-timestamp"),
      body,
    );
    if (!check.ok) {
      options.log?.warn({ reason: check.reason }, "discord: refused an interaction with a bad signature");
      return reply(res, 401, { error: `invalid request signature: ${check.reason}` });
    }

    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return reply(res, 400, { error: "interaction body is not valid JSON" });
    }

    let parsed: ReturnType<typeof parseInteraction>;
    try {
      parsed = parseInteraction(json, options.context);
    } catch (error) {
      if (!(error instanceof InteractionPayloadError)) throw error;
      options.log?.warn({ reason: error.message }, "discord: refused a malformed interaction");
      return reply(res, 400, { error: error.message });
    }

    switch (parsed.kind) {
      case "ping":
        return reply(res, 200, { type: InteractionResponseType.Pong });
      case "unknown-command":
        return reply(res, 200, {
          type: InteractionResponseType.ChannelMessageWithSource,
          data: { content: unknownCommandText(parsed.name, parsed.locale), flags: DEFER_FLAGS, allowed_mentions: { parse: [] } },
        });
      case "unsupported":
        return reply(res, 400, { error: `interaction type ${parsed.type} is not handled by Herald` });
      case "command":
        reply(res, 200, { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: DEFER_FLAGS } });
        options.onCommand(parsed.invocation);
        return;
    }
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...(close ? { connection: "close" } : {}),
  });
  res.end(text);
}

/** The whole body, or null once it passes `limit` (the rest is left unread and the connection closed). */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(null);
      } else {
        chunks.push(chunk);
      }
    });
    req.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

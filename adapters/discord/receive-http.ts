/**
 * The Interactions Endpoint URL: Discord POSTs each slash command here, signed.
 * The request is authenticated before its JSON is even parsed (its headers
 * before its body is even read, the body counted as it streams); a command is
 * answered at once with a deferred ephemeral response (Discord's deadline is
 * 3 s) and the work finishes in the background with an `@original` edit.
 */

import type { KeyObject } from "node:crypto";
import { InteractionResponseType } from "discord.js";
import type { HttpHandler } from "../../src/adapter.ts";
import type { Log } from "../../src/log.ts";
import { BodyTooLargeError, readRequestBody } from "../shared/request-body.ts";
import {
  type CommandInvocation,
  type InteractionContext,
  InteractionPayloadError,
  parseInteraction,
} from "./command-request.ts";
import { unknownCommandText } from "./reply.ts";
import { DEFER_FLAGS } from "./respond.ts";
import { checkDiscordSignature, checkDiscordSignatureHeaders, MAX_CLOCK_SKEW_SECONDS } from "./signature.ts";

/** Interactions are small; one with resolved members and long options stays far below this. */
export const DEFAULT_MAX_INTERACTION_BYTES = 256 * 1024;

export interface InteractionsEndpointOptions {
  publicKey: KeyObject;
  context: InteractionContext;
  /** Runs once the deferred response is on its way (the turn after it is returned); must not throw. */
  onCommand: (invocation: CommandInvocation) => void;
  maxBodyBytes?: number | undefined;
  /** See DiscordAdapterOptions.claimInteraction. */
  claimInteraction?: ((interactionId: string, ttlMs: number) => Promise<boolean>) | undefined;
  log?: Log | undefined;
}

export function discordInteractionsHandler(options: InteractionsEndpointOptions): HttpHandler {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_INTERACTION_BYTES;
  return async (request) => {
    const signature = request.headers.get("x-signature-ed25519") ?? undefined;
    const timestamp = request.headers.get("x-signature-timestamp") ?? undefined;
    // Headers first: a request that cannot be Discord's is refused before its body is read.
    const early = checkDiscordSignatureHeaders(signature, timestamp);
    if (!early.ok) return refuseSignature(early.reason, options.log);

    let body: Buffer;
    try {
      body = await readRequestBody(request, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return reply(413, { error: `interaction body is over ${limit} bytes` });
      throw error;
    }
    const check = checkDiscordSignature(options.publicKey, signature, timestamp, body);
    if (!check.ok) return refuseSignature(check.reason, options.log);

    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return reply(400, { error: "interaction body is not valid JSON" });
    }

    let parsed: ReturnType<typeof parseInteraction>;
    try {
      parsed = parseInteraction(json, options.context);
    } catch (error) {
      if (!(error instanceof InteractionPayloadError)) throw error;
      options.log?.warn({ reason: error.message }, "discord: refused a malformed interaction");
      return reply(400, { error: error.message });
    }

    switch (parsed.kind) {
      case "ping":
        return reply(200, { type: InteractionResponseType.Pong });
      case "unknown-command":
        return reply(200, {
          type: InteractionResponseType.ChannelMessageWithSource,
          data: {
            content: unknownCommandText(parsed.name, parsed.locale),
            flags: DEFER_FLAGS,
            allowed_mentions: { parse: [] },
          },
        });
      case "unsupported":
        return reply(400, { error: `interaction type ${parsed.type} is not handled by Herald` });
      case "command": {
        const first = await firstSighting(parsed.invocation.interactionId, Number(timestamp), options);
        if (first === null) return reply(503, { error: "cannot check the interaction against replays right now" });
        // A replay gets the same acknowledgement, but its command does not run a second time.
        if (first) setImmediate(() => options.onCommand(parsed.invocation));
        else
          options.log?.warn(
            { interactionId: parsed.invocation.interactionId },
            "discord: replayed interaction acknowledged without running it again",
          );
        return reply(200, {
          type: InteractionResponseType.DeferredChannelMessageWithSource,
          data: { flags: DEFER_FLAGS },
        });
      }
    }
  };
}

/** true the first time this id is seen, false for a replay, null when the check could not be made. */
async function firstSighting(
  interactionId: string,
  timestamp: number,
  options: InteractionsEndpointOptions,
): Promise<boolean | null> {
  if (!options.claimInteraction) return true;
  // Long enough to outlive the signed timestamp's acceptance; a replay after that fails the signature check.
  const ttlMs = (timestamp + MAX_CLOCK_SKEW_SECONDS) * 1000 - Date.now() + 1000;
  try {
    return await options.claimInteraction(interactionId, Math.max(1000, ttlMs));
  } catch (error) {
    options.log?.warn({ err: (error as Error).message }, "discord: could not check an interaction for replay");
    return null;
  }
}

function refuseSignature(reason: string, log: Log | undefined): Response {
  log?.warn({ reason }, "discord: refused an interaction with a bad signature");
  return reply(401, { error: `invalid request signature: ${reason}` });
}

function reply(status: number, body: unknown): Response {
  return Response.json(body, { status });
}

/**
 * A slash command's response_url: like an incoming webhook it takes a JSON message and answers
 * in plain text, but it is bound to one command invocation, may be used up to 5 times, and can
 * answer only to the user (`response_type: "ephemeral"`, the default) or to the channel.
 */
import type { IncomingMessage } from "node:http";
import { mediaTypeOf } from "../http.ts";
import { isContentError, readMessageContent } from "./message.ts";
import type { SlackWorkspace } from "./workspace.ts";

/** Slack: "You can use a response_url five times within 30 minutes." */
const MAX_USES = 5;

export interface ResponseUrl {
  id: string;
  uses: number;
}

export interface ResponseUrlAnswer {
  status: number;
  text: string;
}

/** Records one response, or says why Slack would refuse it. */
export function handleCommandResponse(
  target: ResponseUrl | undefined,
  req: IncomingMessage,
  body: Buffer,
  workspace: SlackWorkspace,
): ResponseUrlAnswer {
  if (!target) return { status: 404, text: "expired_url" };
  if (target.uses >= MAX_USES) return { status: 404, text: "used_url" };
  if (mediaTypeOf(req.headers["content-type"]) !== "application/json") return { status: 400, text: "invalid_payload" };
  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return { status: 400, text: "invalid_payload" };
    payload = parsed as Record<string, unknown>;
  } catch {
    return { status: 400, text: "invalid_payload" };
  }
  const responseType = payload.response_type ?? "ephemeral";
  if (responseType !== "ephemeral" && responseType !== "in_channel")
    return { status: 400, text: "invalid_response_type" };
  const content = readMessageContent(payload, (id) => workspace.slackFileUsable(id));
  if (isContentError(content))
    return { status: 400, text: content.error === "invalid_blocks_format" ? "invalid_blocks" : content.error };
  target.uses += 1;
  workspace.commandResponses.push({
    responseUrlId: target.id,
    responseType,
    text: content.text,
    blocks: content.blocks,
  });
  return { status: 200, text: "ok" };
}

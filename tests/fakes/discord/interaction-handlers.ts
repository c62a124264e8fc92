/**
 * Interaction responses: `POST /interactions/{id}/{token}/callback` (once per
 * interaction, else 40060), then `@original` edits and follow-ups through the
 * webhook routes with the interaction token. Everything is recorded in
 * `interactionResponses`, not in `messages`.
 */
import { alreadyAcknowledged, FormErrors, fieldError, unknownMessage } from "./errors.ts";
import { checkArray, checkInteger, checkString, isObject } from "./fields.ts";
import { parseRequestBody } from "./multipart.ts";
import { fakeSnowflake } from "./snowflake.ts";
import { type FakeState, param, type Reply, type RequestContext, type RouteHandler } from "./state.ts";
import { toRecordedFile } from "./store.ts";
import type { RecordedFile, RecordedInteractionResponse } from "./types.ts";
import { type NamedUpload, validateMessage } from "./validate.ts";

const PONG = 1;
const CHANNEL_MESSAGE = 4;
const DEFERRED_CHANNEL_MESSAGE = 5;
const DEFERRED_UPDATE_MESSAGE = 6;
const UPDATE_MESSAGE = 7;
const AUTOCOMPLETE_RESULT = 8;
const MODAL = 9;
const PREMIUM_REQUIRED = 10;
const LAUNCH_ACTIVITY = 12;
const CALLBACK_TYPES = [
  PONG,
  CHANNEL_MESSAGE,
  DEFERRED_CHANNEL_MESSAGE,
  DEFERRED_UPDATE_MESSAGE,
  UPDATE_MESSAGE,
  AUTOCOMPLETE_RESULT,
  MODAL,
  PREMIUM_REQUIRED,
  LAUNCH_ACTIVITY,
];

export const interactionCallback: RouteHandler = async (ctx, state) => {
  const interactionId = param(ctx, "interaction");
  const token = param(ctx, "token");
  const already = [...state.interactions.values()].some((known) => known.interactionId === interactionId);
  if (already || state.interactions.has(token)) throw alreadyAcknowledged();

  const { payload, files } = await parseRequestBody(ctx.contentType, ctx.raw);
  const type = payload.type;
  if (typeof type !== "number" || !CALLBACK_TYPES.includes(type)) {
    throw fieldError(["type"], "ENUM_TYPE_COERCE", `Value ${JSON.stringify(type)} is not a valid enum value.`);
  }
  const uploads = checkCallbackData(type, payload.data, files);

  const originalMessageId = fakeSnowflake();
  state.interactions.set(token, { interactionId, token, type: type, originalMessageId });
  record(state, {
    kind: "callback",
    interactionId,
    applicationId: null,
    token,
    messageId: originalMessageId,
    type: type,
    body: payload,
    uploads,
  });
  if (ctx.query.get("with_response") === "true") {
    return {
      status: 200,
      json: { interaction: { id: interactionId, type: 2, response_message_id: originalMessageId } },
    };
  }
  return { status: 204 };
};

/**
 * Records the app's answer to an interaction Discord delivered to its HTTP endpoint
 * (see `DiscordFake.sendInteraction`) as that interaction's callback, validated like
 * one. A PONG acknowledges nothing: pings have no response message.
 */
export function acknowledgeHttpAnswer(state: FakeState, interactionId: string, token: string, answer: unknown): void {
  const payload = isObject(answer) ? answer : {};
  const type = payload.type;
  if (typeof type !== "number" || !CALLBACK_TYPES.includes(type)) {
    throw fieldError(["type"], "ENUM_TYPE_COERCE", `Value ${JSON.stringify(type)} is not a valid enum value.`);
  }
  const uploads = checkCallbackData(type, payload.data, []);
  if (type === PONG) return;
  if (state.interactions.has(token)) throw alreadyAcknowledged();
  const originalMessageId = fakeSnowflake();
  state.interactions.set(token, { interactionId, token, type, originalMessageId });
  record(state, {
    kind: "callback",
    interactionId,
    applicationId: null,
    token,
    messageId: originalMessageId,
    type,
    body: payload,
    uploads,
  });
}

/** `PATCH /webhooks/{application.id}/{token}/messages/@original` (or a follow-up's id). */
export async function editOriginalResponse(ctx: RequestContext, state: FakeState): Promise<Reply> {
  const interaction = state.interactions.get(param(ctx, "token"));
  const messageId = param(ctx, "message");
  if (!interaction || (messageId !== "@original" && !isFollowup(state, param(ctx, "token"), messageId))) {
    throw unknownMessage();
  }
  const { payload, files } = await parseRequestBody(ctx.contentType, ctx.raw);
  const { uploads } = validateMessage(payload, files, { context: "interaction", mode: "edit" });
  const response = record(state, {
    kind: "edit-original",
    interactionId: interaction.interactionId,
    applicationId: param(ctx, "webhook"),
    token: interaction.token,
    messageId: messageId === "@original" ? interaction.originalMessageId : messageId,
    body: payload,
    uploads,
  });
  return { status: 200, json: responseMessage(response) };
}

/** `DELETE /webhooks/{application.id}/{token}/messages/@original`. */
export async function deleteOriginalResponse(ctx: RequestContext, state: FakeState): Promise<Reply> {
  if (!state.interactions.has(param(ctx, "token"))) throw unknownMessage();
  return { status: 204 };
}

/** `POST /webhooks/{application.id}/{token}`: a follow-up message; always answers the message. */
export async function sendFollowup(ctx: RequestContext, state: FakeState): Promise<Reply> {
  const interaction = state.interactions.get(param(ctx, "token"));
  if (!interaction) throw unknownMessage();
  const { payload, files } = await parseRequestBody(ctx.contentType, ctx.raw);
  const { uploads } = validateMessage(payload, files, { context: "interaction", mode: "create" });
  const response = record(state, {
    kind: "followup",
    interactionId: interaction.interactionId,
    applicationId: param(ctx, "webhook"),
    token: interaction.token,
    messageId: fakeSnowflake(),
    body: payload,
    uploads,
  });
  return { status: 200, json: responseMessage(response) };
}

/** Checks `data` for the callback types that carry one; returns the uploads of a message response. */
function checkCallbackData(type: number, data: unknown, files: Parameters<typeof validateMessage>[1]): NamedUpload[] {
  if (type === CHANNEL_MESSAGE || type === UPDATE_MESSAGE) {
    const message = isObject(data) ? data : {};
    const mode = type === CHANNEL_MESSAGE ? "create" : "edit";
    return validateMessage(message, files, { context: "interaction", mode }).uploads;
  }
  const errors = new FormErrors();
  if (type === AUTOCOMPLETE_RESULT) {
    checkArray(errors, ["data", "choices"], isObject(data) ? data.choices : undefined, 25);
  } else if (type === MODAL) {
    const modal = isObject(data) ? data : {};
    checkString(errors, ["data", "custom_id"], modal.custom_id, { required: true, min: 1, max: 100 });
    checkString(errors, ["data", "title"], modal.title, { required: true, min: 1, max: 45 });
    const components = checkArray(errors, ["data", "components"], modal.components, 5);
    if (!components || components.length === 0)
      errors.add(["data", "components"], "BASE_TYPE_REQUIRED", "This field is required");
  } else if (isObject(data)) {
    checkInteger(errors, ["data", "flags"], data.flags, 0, 2 ** 31 - 1);
  }
  errors.throwIfAny();
  return [];
}

function isFollowup(state: FakeState, token: string, messageId: string): boolean {
  return state.interactionResponses.some(
    (response) => response.kind === "followup" && response.token === token && response.messageId === messageId,
  );
}

function record(
  state: FakeState,
  entry: Omit<RecordedInteractionResponse, "files" | "receivedAt"> & { uploads: readonly NamedUpload[] },
): RecordedInteractionResponse {
  const { uploads, ...rest } = entry;
  const files: RecordedFile[] = uploads.map(toRecordedFile);
  const response: RecordedInteractionResponse = { ...rest, files, receivedAt: Date.now() };
  state.interactionResponses.push(response);
  return response;
}

/** A minimal message object for interaction responses (the fake keeps no channel for them). */
function responseMessage(response: RecordedInteractionResponse): Record<string, unknown> {
  const body = response.body ?? {};
  return {
    id: response.messageId,
    type: 20,
    content: typeof body.content === "string" ? body.content : "",
    embeds: Array.isArray(body.embeds) ? body.embeds : [],
    attachments: response.files.map((file) => ({ id: file.id, filename: file.name, size: file.size })),
    timestamp: new Date(response.receivedAt).toISOString(),
  };
}

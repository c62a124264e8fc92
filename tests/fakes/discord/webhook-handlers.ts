/**
 * `POST /webhooks/{id}/{token}` (Execute Webhook) and its message edit/delete routes.
 * An interaction token in place of a webhook token makes these the interaction
 * follow-up and `@original` routes, as on Discord.
 */
import { safeEqual } from "./auth.ts";
import { fieldError, invalidWebhookToken, unknownChannel, unknownMessage, unknownWebhook } from "./errors.ts";
import { deleteOriginalResponse, editOriginalResponse, sendFollowup } from "./interaction-handlers.ts";
import { parseRequestBody } from "./multipart.ts";
import { isSnowflake } from "./snowflake.ts";
import { type FakeState, type FakeWebhook, param, type RequestContext, type RouteHandler } from "./state.ts";
import { toApiMessage } from "./store.ts";
import { channelTypeOf, THREAD_TYPES } from "./thread-handlers.ts";
import { validateMessage } from "./validate.ts";

export const executeWebhook: RouteHandler = async (ctx, state) => {
  await state.pendingInteractions.get(param(ctx, "token"));
  if (isInteractionToken(ctx, state)) return sendFollowup(ctx, state);
  const webhook = findWebhook(ctx, state);
  const wait = booleanQuery(ctx.query, "wait");
  const threadId = ctx.query.get("thread_id");
  if (threadId !== null && !isSnowflake(threadId)) {
    throw fieldError(["thread_id"], "NUMBER_TYPE_COERCE", `Value ${JSON.stringify(threadId)} is not snowflake.`);
  }
  // thread_id must name a thread (or forum post) that exists: a webhook cannot start one this way.
  if (threadId !== null && !THREAD_TYPES.has(channelTypeOf(state, threadId))) throw unknownChannel();
  const { payload, files } = await parseRequestBody(ctx.contentType, ctx.raw);
  const { uploads } = validateMessage(payload, files, { context: "webhook", mode: "create" });
  const message = state.store.create({ channelId: null, webhookId: webhook.id, body: payload, uploads });
  if (threadId !== null) message.threadId = threadId;
  // Without ?wait=true Discord answers 204 and the caller never learns the message id.
  if (!wait) return { status: 204 };
  return { status: 200, json: webhookMessage(state, webhook, message.id) };
};

export const editWebhookMessage: RouteHandler = async (ctx, state) => {
  await state.pendingInteractions.get(param(ctx, "token"));
  if (isInteractionToken(ctx, state)) return editOriginalResponse(ctx, state);
  const webhook = findWebhook(ctx, state);
  const message = state.store.find(param(ctx, "message"));
  if (!message || message.webhookId !== webhook.id) throw unknownMessage();
  const { payload, files } = await parseRequestBody(ctx.contentType, ctx.raw);
  const existing = new Map(message.files.map((file) => [file.id, file.name]));
  const { uploads, keptAttachmentIds } = validateMessage(payload, files, {
    context: "webhook",
    mode: "edit",
    existing,
  });
  state.store.edit(message, payload, uploads, keptAttachmentIds);
  return { status: 200, json: webhookMessage(state, webhook, message.id) };
};

export const deleteWebhookMessage: RouteHandler = async (ctx, state) => {
  await state.pendingInteractions.get(param(ctx, "token"));
  if (isInteractionToken(ctx, state)) return deleteOriginalResponse(ctx, state);
  const webhook = findWebhook(ctx, state);
  const message = state.store.find(param(ctx, "message"));
  if (!message || message.webhookId !== webhook.id) throw unknownMessage();
  state.store.delete(message);
  return { status: 204 };
};

function isInteractionToken(ctx: RequestContext, state: FakeState): boolean {
  return !state.webhooks.has(param(ctx, "webhook")) && state.interactions.has(param(ctx, "token"));
}

/** Unknown id → 404 10015; known id with another token → 401 50027, as Discord answers. */
function findWebhook(ctx: RequestContext, state: FakeState): FakeWebhook {
  const webhook = state.webhooks.get(param(ctx, "webhook"));
  if (!webhook) throw unknownWebhook();
  if (!safeEqual(webhook.token, param(ctx, "token"))) throw invalidWebhookToken();
  return webhook;
}

function webhookMessage(state: FakeState, webhook: FakeWebhook, messageId: string): Record<string, unknown> {
  const message = state.store.find(messageId);
  if (!message) throw unknownMessage();
  const username = typeof message.body.username === "string" ? message.body.username : "Herald fake webhook";
  return toApiMessage(message, {
    baseUrl: state.baseUrl,
    channelId: webhook.channelId,
    author: { id: webhook.id, username, discriminator: "0000", bot: true },
  });
}

/** Discord's boolean query strings: true/false/1/0 (any case); anything else is a 400. */
function booleanQuery(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  const normalized = value.toLowerCase();
  if (normalized === "true" || normalized === "1") return true;
  if (normalized === "false" || normalized === "0") return false;
  throw fieldError([name], "BOOLEAN_TYPE_COERCE", `Value ${JSON.stringify(value)} is not a valid boolean.`);
}

/** `POST/PATCH/DELETE /channels/{channel.id}/messages[/{message.id}]`. */
import { cannotEditOthersMessage, unknownMessage } from "./errors.ts";
import { parseRequestBody } from "./multipart.ts";
import { param, type RouteHandler } from "./state.ts";
import { toApiMessage } from "./store.ts";
import { checkCanPostIn } from "./thread-handlers.ts";
import { validateMessage } from "./validate.ts";

export const createChannelMessage: RouteHandler = async (ctx, state) => {
  const channelId = param(ctx, "channel");
  checkCanPostIn(state, channelId);
  const { payload, files } = await parseRequestBody(ctx.contentType, ctx.raw);
  const { uploads } = validateMessage(payload, files, { context: "channel", mode: "create" });

  const nonce = payload.nonce === undefined || payload.nonce === null ? undefined : String(payload.nonce);
  const enforceNonce = nonce !== undefined && payload.enforce_nonce === true;
  if (enforceNonce) {
    // As documented: the earlier message is returned and no new one is created.
    const earlier = state.store.findByNonce(channelId, nonce);
    if (earlier) return { status: 200, json: toApiMessage(earlier, { baseUrl: state.baseUrl, channelId }) };
  }
  const message = state.store.create({ channelId, webhookId: null, body: payload, uploads, nonce });
  if (enforceNonce) state.store.rememberNonce(channelId, nonce, message.id);
  return { status: 200, json: toApiMessage(message, { baseUrl: state.baseUrl, channelId }) };
};

export const editChannelMessage: RouteHandler = async (ctx, state) => {
  const channelId = param(ctx, "channel");
  const message = state.store.find(param(ctx, "message"));
  if (!message || message.channelId !== channelId) throw unknownMessage();
  if (message.authorId !== undefined) throw cannotEditOthersMessage();
  const { payload, files } = await parseRequestBody(ctx.contentType, ctx.raw);
  const existing = new Map(message.files.map((file) => [file.id, file.name]));
  const { uploads, keptAttachmentIds } = validateMessage(payload, files, {
    context: "channel",
    mode: "edit",
    existing,
  });
  state.store.edit(message, payload, uploads, keptAttachmentIds);
  return { status: 200, json: toApiMessage(message, { baseUrl: state.baseUrl, channelId }) };
};

export const deleteChannelMessage: RouteHandler = async (ctx, state) => {
  const message = state.store.find(param(ctx, "message"));
  if (!message || message.channelId !== param(ctx, "channel")) throw unknownMessage();
  state.store.delete(message);
  return { status: 204 };
};

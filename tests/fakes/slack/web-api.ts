/**
 * The Web API methods SlackFake implements, each answering like Slack: HTTP 200 with
 * `{ ok: true, … }` or `{ ok: false, error, response_metadata? }`, and 429 + Retry-After
 * when chat.postMessage goes over the per-channel limit.
 */
import { type ContentError, isContentError, readMessageContent } from "./message.ts";
import type { PerKeyRateLimiter } from "./ratelimit.ts";
import { type ApiArgs, booleanArg, jsonArg, stringArg } from "./request.ts";
import type { SlackChannel, SlackMessage } from "./types.ts";
import type { SlackWorkspace } from "./workspace.ts";

export interface ApiContext {
  workspace: SlackWorkspace;
  /** chat.postMessage's per-channel limiter. */
  limiter: PerKeyRateLimiter;
  /** "http://127.0.0.1:PORT", for URLs the fake hands out. */
  baseUrl: string;
  identity: { teamId: string; botUserId: string; botId: string };
  onRateLimited(key: string): void;
  /** A fresh one-time Socket Mode WebSocket URL. */
  socketModeUrl(): string;
}

export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

type Handler = (args: ApiArgs, ctx: ApiContext) => ApiResponse;

/** Slack's alt text limit for files.getUploadURLExternal. */
const MAX_ALT_TEXT = 1000;

function ok(body: Record<string, unknown> = {}): ApiResponse {
  return { status: 200, body: { ok: true, ...body } };
}

function fail(error: string, messages?: string[]): ApiResponse {
  return {
    status: 200,
    body: { ok: false, error, ...(messages ? { response_metadata: { messages } } : {}) },
  };
}

function failContent(problem: ContentError): ApiResponse {
  return fail(problem.error, problem.messages);
}

function isResponse(value: unknown): value is ApiResponse {
  return typeof value === "object" && value !== null && "status" in value && "body" in value;
}

/** The channel an argument names, or the error Slack gives for it. */
function targetChannel(
  args: ApiArgs,
  name: string,
  ctx: ApiContext,
  notFound = "channel_not_found",
): SlackChannel | ApiResponse {
  const reference = stringArg(args, name);
  const channel = reference === undefined ? undefined : ctx.workspace.findChannel(reference);
  if (!channel) return fail(notFound);
  if (channel.error) return fail(channel.error === "channel_not_found" ? notFound : channel.error);
  return channel;
}

/** Validates `thread_ts`: well-formed and naming a message in the channel. */
function threadTsOf(args: ApiArgs, channel: SlackChannel, ctx: ApiContext): string | undefined | ApiResponse {
  const threadTs = stringArg(args, "thread_ts");
  if (threadTs === undefined) return undefined;
  if (!/^\d+\.\d+$/.test(threadTs)) return fail("invalid_thread_ts", [`[ERROR] ${threadTs} is not a valid thread_ts`]);
  if (!ctx.workspace.findMessage(channel.id, threadTs)) return fail("thread_not_found");
  return threadTs;
}

function messageJson(message: SlackMessage, ctx: ApiContext): Record<string, unknown> {
  return {
    type: "message",
    subtype: "bot_message",
    text: message.text,
    user: ctx.identity.botUserId,
    bot_id: ctx.identity.botId,
    ts: message.ts,
    blocks: message.blocks,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.files.length > 0 ? { files: message.files.map((id) => ({ id })) } : {}),
  };
}

const postMessage: Handler = (args, ctx) => {
  const channel = targetChannel(args, "channel", ctx);
  if (isResponse(channel)) return channel;
  const content = readMessageContent(args, (id) => ctx.workspace.slackFileUsable(id));
  if (isContentError(content)) return failContent(content);
  const threadTs = threadTsOf(args, channel, ctx);
  if (isResponse(threadTs)) return threadTs;
  const decision = ctx.limiter.take(channel.id);
  if (!decision.allowed) {
    ctx.onRateLimited(channel.id);
    return {
      status: 429,
      body: { ok: false, error: "ratelimited" },
      headers: { "retry-after": String(decision.retryAfterSeconds) },
    };
  }
  const message: SlackMessage = {
    channel: channel.id,
    ts: ctx.workspace.nextTs(),
    text: content.text,
    blocks: content.blocks,
    files: [],
    via: "api",
    ...(threadTs ? { threadTs } : {}),
    ...(threadTs && booleanArg(args, "reply_broadcast") ? { replyBroadcast: true as const } : {}),
  };
  ctx.workspace.recordMessage(message);
  return ok({ channel: channel.id, ts: message.ts, message: messageJson(message, ctx) });
};

/** chat.update and chat.delete: find the bot's own message by channel + ts. */
function ownMessage(args: ApiArgs, ctx: ApiContext, cannot: string): SlackMessage | ApiResponse {
  const channel = targetChannel(args, "channel", ctx);
  if (isResponse(channel)) return channel;
  const ts = stringArg(args, "ts");
  const message = ts === undefined ? undefined : ctx.workspace.findMessage(channel.id, ts);
  if (!message) return fail("message_not_found");
  // Only what the bot posted through the Web API is its own: not an incoming webhook's, not a member's.
  if (message.via !== "api") return fail(cannot);
  return message;
}

const updateMessage: Handler = (args, ctx) => {
  const message = ownMessage(args, ctx, "cant_update_message");
  if (isResponse(message)) return message;
  const content = readMessageContent(args, (id) => ctx.workspace.slackFileUsable(id));
  if (isContentError(content)) return failContent(content);
  message.text = content.text;
  message.blocks = content.blocks;
  message.edited = true;
  return ok({ channel: message.channel, ts: message.ts, text: message.text, message: messageJson(message, ctx) });
};

const deleteMessage: Handler = (args, ctx) => {
  const message = ownMessage(args, ctx, "cant_delete_message");
  if (isResponse(message)) return message;
  message.deleted = true;
  return ok({ channel: message.channel, ts: message.ts });
};

const postEphemeral: Handler = (args, ctx) => {
  const channel = targetChannel(args, "channel", ctx);
  if (isResponse(channel)) return channel;
  const user = stringArg(args, "user");
  if (user === undefined || !ctx.workspace.users.has(user)) return fail("user_not_found");
  const content = readMessageContent(args);
  if (isContentError(content)) return failContent(content);
  const messageTs = ctx.workspace.nextTs();
  ctx.workspace.ephemeral.push({ channel: channel.id, user, text: content.text, blocks: content.blocks, messageTs });
  return ok({ message_ts: messageTs });
};

const getUploadUrl: Handler = (args, ctx) => {
  const filename = stringArg(args, "filename");
  if (filename === undefined) return fail("invalid_arguments", ["[ERROR] missing required field: filename"]);
  const rawLength = stringArg(args, "length");
  if (rawLength === undefined) return fail("invalid_arguments", ["[ERROR] missing required field: length"]);
  if (!/^\d+$/.test(rawLength)) return fail("invalid_arguments", ["[ERROR] length must be an integer"]);
  const declaredLength = Number(rawLength);
  if (declaredLength === 0) return fail("missing_argument");
  const altText = stringArg(args, "alt_txt") ?? stringArg(args, "alt_text");
  if (altText !== undefined && Array.from(altText).length > MAX_ALT_TEXT) return fail("alt_txt_too_large");
  const fileId = ctx.workspace.nextId("F");
  const ticket = `${fileId}-${Math.random().toString(36).slice(2, 12)}`;
  ctx.workspace.pendingFiles.set(fileId, { fileId, filename, declaredLength, ...(altText ? { altText } : {}) });
  ctx.workspace.uploadTickets.set(ticket, fileId);
  return ok({ upload_url: `${ctx.baseUrl}/upload/v1/${ticket}`, file_id: fileId });
};

interface FileToComplete {
  id: string;
  title?: string;
}

function filesToComplete(args: ApiArgs): FileToComplete[] | ApiResponse {
  const parsed = jsonArg(args, "files");
  if (parsed === undefined) return fail("invalid_arguments", ["[ERROR] missing required field: files"]);
  if ("invalid" in parsed || !Array.isArray(parsed.value) || parsed.value.length === 0) {
    return fail("invalid_arguments", ["[ERROR] files must be a non-empty JSON array [json-pointer:/files]"]);
  }
  const files: FileToComplete[] = [];
  for (const [index, entry] of parsed.value.entries()) {
    const id = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>).id : undefined;
    if (typeof id !== "string") {
      return fail("invalid_arguments", [`[ERROR] missing required field: id [json-pointer:/files/${index}]`]);
    }
    const title = (entry as Record<string, unknown>).title;
    files.push({ id, ...(typeof title === "string" ? { title } : {}) });
  }
  return files;
}

const completeUpload: Handler = (args, ctx) => {
  const files = filesToComplete(args);
  if (isResponse(files)) return files;
  for (const file of files) {
    const pending = ctx.workspace.pendingFiles.get(file.id);
    if (!pending?.bytes) return fail("file_not_found");
    if (pending.bytes.length !== pending.declaredLength) {
      return fail("file_not_found", [
        `[ERROR] file ${file.id} received ${pending.bytes.length} bytes but files.getUploadURLExternal declared ${pending.declaredLength}`,
      ]);
    }
  }
  const channelArg = stringArg(args, "channel_id") ?? stringArg(args, "channels");
  let channel: SlackChannel | undefined;
  let threadTs: string | undefined;
  if (channelArg !== undefined) {
    const found = targetChannel({ channel: channelArg }, "channel", ctx, "invalid_channel");
    if (isResponse(found)) return found;
    channel = found;
    const thread = threadTsOf(args, channel, ctx);
    if (isResponse(thread)) return thread;
    threadTs = thread;
  }
  const initialComment = stringArg(args, "initial_comment");
  let blocks: unknown[] = [];
  if (initialComment !== undefined) {
    const content = readMessageContent({ text: initialComment });
    if (isContentError(content)) return failContent(content);
  } else if (args.blocks !== undefined) {
    // Slack ignores blocks when initial_comment is given, so they are only checked without one.
    const content = readMessageContent({ blocks: args.blocks });
    if (isContentError(content)) return failContent(content);
    blocks = content.blocks;
  }

  const completed = files.map((file) => {
    const pending = ctx.workspace.pendingFiles.get(file.id)!;
    ctx.workspace.pendingFiles.delete(file.id);
    const upload = {
      fileId: file.id,
      filename: pending.filename,
      bytes: pending.bytes!,
      ...(channel ? { channel: channel.id } : {}),
      ...(file.title ? { title: file.title } : {}),
      ...(initialComment !== undefined ? { initialComment } : {}),
      ...(pending.altText ? { altText: pending.altText } : {}),
    };
    ctx.workspace.uploads.push(upload);
    return upload;
  });
  if (channel) {
    ctx.workspace.recordMessage({
      channel: channel.id,
      ts: ctx.workspace.nextTs(),
      text: initialComment ?? "",
      blocks,
      files: completed.map((upload) => upload.fileId),
      via: "api",
      ...(threadTs ? { threadTs } : {}),
    });
  }
  return ok({
    files: completed.map((upload) => ({
      id: upload.fileId,
      name: upload.filename,
      title: upload.title ?? upload.filename,
      size: upload.bytes.length,
      channels: upload.channel ? [upload.channel] : [],
    })),
  });
};

/** files.delete: the bot may delete the files it uploaded. */
const deleteFile: Handler = (args, ctx) => {
  const id = stringArg(args, "file");
  const upload = id === undefined ? undefined : ctx.workspace.uploads.find((candidate) => candidate.fileId === id);
  if (!upload) return fail("file_not_found");
  if (upload.deleted) return fail("file_deleted");
  upload.deleted = true;
  return ok();
};

const usersInfo: Handler = (args, ctx) => {
  const id = stringArg(args, "user");
  const user = id === undefined ? undefined : ctx.workspace.users.get(id);
  if (!user) return fail("user_not_found");
  return ok({
    user: {
      id: user.id,
      team_id: ctx.identity.teamId,
      name: user.id.toLowerCase(),
      deleted: false,
      is_bot: false,
      is_admin: user.isAdmin,
      is_owner: user.isOwner,
      is_primary_owner: user.isOwner,
      tz: "Asia/Seoul",
      ...(booleanArg(args, "include_locale") ? { locale: user.locale } : {}),
    },
  });
};

const authTest: Handler = (_args, ctx) =>
  ok({
    url: `${ctx.baseUrl}/`,
    team: "Herald Test Workspace",
    user: "herald",
    team_id: ctx.identity.teamId,
    user_id: ctx.identity.botUserId,
    bot_id: ctx.identity.botId,
    is_enterprise_install: false,
  });

const conversationsInfo: Handler = (args, ctx) => {
  const reference = stringArg(args, "channel");
  const channel = reference === undefined ? undefined : ctx.workspace.findChannel(reference);
  if (!channel || channel.error === "channel_not_found") return fail("channel_not_found");
  return ok({
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: true,
      is_archived: channel.error === "is_archived",
      is_member: channel.error !== "not_in_channel",
    },
  });
};

/** apps.connections.open (app-level token, checked by the server): where to open the Socket Mode WebSocket. */
const appsConnectionsOpen: Handler = (_args, ctx) => ok({ url: ctx.socketModeUrl() });

/** Method name → handler. */
export const WEB_API_METHODS: ReadonlyMap<string, Handler> = new Map([
  ["chat.postMessage", postMessage],
  ["chat.update", updateMessage],
  ["chat.delete", deleteMessage],
  ["chat.postEphemeral", postEphemeral],
  ["files.getUploadURLExternal", getUploadUrl],
  ["files.completeUploadExternal", completeUpload],
  ["files.delete", deleteFile],
  ["users.info", usersInfo],
  ["auth.test", authTest],
  ["conversations.info", conversationsInfo],
  ["apps.connections.open", appsConnectionsOpen],
]);

/** The Bot API methods TelegramFake implements, by lower-cased name (Telegram ignores case). */
import type { BotMethod } from "./context.ts";
import { badRequest, conflict } from "./errors.ts";
import { editMessageMedia } from "./media.ts";
import { deleteMessage, editMessageCaption, editMessageText, sendMessage, sendPhoto } from "./messages.ts";
import { booleanParam, integerParam, jsonParam, stringParam } from "./params.ts";
import type { ChatMemberStatus } from "./types.ts";
import { chatIdOf, chatTypeOf } from "./validate.ts";

const MAX_COMMANDS = 100;
const MAX_CALLBACK_ANSWER_LENGTH = 200;

const getMe: BotMethod = (_request, { bot }) => ({
  id: bot.id,
  is_bot: true,
  first_name: bot.firstName,
  username: bot.username,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
});

const getUpdates: BotMethod = ({ params, signal }, { state, updates }) => {
  if (state.webhookUrl) {
    throw conflict(
      "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  const limit = Math.min(100, Math.max(1, integerParam(params, "limit", 100)!));
  const allowed = jsonParam(params, "allowed_updates", "allowed updates");
  if (allowed !== undefined && !(Array.isArray(allowed) && allowed.every((kind) => typeof kind === "string"))) {
    throw badRequest("allowed_updates must be an Array of String");
  }
  return updates.poll(
    integerParam(params, "offset", 0)!,
    limit,
    Math.max(0, integerParam(params, "timeout", 0)!),
    allowed as string[] | undefined,
    signal,
  );
};

/** The status-specific fields of a ChatMember object. */
function memberFields(status: ChatMemberStatus): Record<string, unknown> {
  switch (status) {
    case "creator":
      return { is_anonymous: false };
    case "administrator":
      return {
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: false,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
      };
    case "restricted":
      return { is_member: true, can_send_messages: false, until_date: 0 };
    case "kicked":
      return { until_date: 0 };
    default:
      return {};
  }
}

const getChatMember: BotMethod = ({ params }, { state }) => {
  const chatId = chatIdOf(params);
  state.checkChat(chatId, "read");
  const userId = integerParam(params, "user_id");
  if (userId === undefined || userId <= 0) throw badRequest("invalid user_id specified");
  const status = state.memberStatus(chatId, userId);
  if (!status) throw badRequest("user not found");
  return { status, user: { id: userId, is_bot: false, first_name: "Member" }, ...memberFields(status) };
};

const getChat: BotMethod = ({ params }, { state }) => {
  const chatId = chatIdOf(params);
  state.checkChat(chatId, "read");
  const type = chatTypeOf(chatId);
  const base = { type, accent_color_id: 0, max_reaction_count: 11 };
  if (chatId.startsWith("@")) {
    return { id: -1_001_000_000_000, ...base, title: chatId.slice(1), username: chatId.slice(1) };
  }
  if (type === "private") return { id: Number(chatId), ...base, first_name: "Reader" };
  return { id: Number(chatId), ...base, title: "Herald readers" };
};

function commandsKey(params: Record<string, unknown>): string {
  const scope = jsonParam(params, "scope", "bot command scope") ?? { type: "default" };
  return `${JSON.stringify(scope)}|${stringParam(params, "language_code") ?? ""}`;
}

const setMyCommands: BotMethod = ({ params }, { state }) => {
  const commands = jsonParam(params, "commands", "bot commands");
  if (!Array.isArray(commands)) throw badRequest("commands must be an Array of BotCommand");
  if (commands.length > MAX_COMMANDS) throw badRequest("too many commands specified");
  for (const entry of commands) {
    const { command, description } = (entry ?? {}) as { command?: unknown; description?: unknown };
    if (typeof command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest("BOT_COMMAND_INVALID");
    if (typeof description !== "string" || description.trim() === "" || Array.from(description).length > 256) {
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
  }
  state.myCommands.set(commandsKey(params), commands);
  return true;
};

const getMyCommands: BotMethod = ({ params }, { state }) => state.myCommands.get(commandsKey(params)) ?? [];

const deleteMyCommands: BotMethod = ({ params }, { state }) => {
  state.myCommands.delete(commandsKey(params));
  return true;
};

const setWebhook: BotMethod = ({ params }, { state, updates }) => {
  const url = stringParam(params, "url") ?? "";
  if (url !== "") {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
    }
    if (parsed.protocol !== "https:") throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    if (!["", "443", "80", "88", "8443"].includes(parsed.port)) {
      throw badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
    }
  }
  const secret = stringParam(params, "secret_token");
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
    throw badRequest("secret token contains unallowed characters");
  }
  if (booleanParam(params, "drop_pending_updates")) updates.dropAll();
  state.webhookUrl = url;
  return true;
};

const deleteWebhook: BotMethod = ({ params }, { state, updates }) => {
  if (booleanParam(params, "drop_pending_updates")) updates.dropAll();
  state.webhookUrl = "";
  return true;
};

const getWebhookInfo: BotMethod = (_request, { state, updates }) => ({
  url: state.webhookUrl,
  has_custom_certificate: false,
  pending_update_count: updates.pending.length,
});

const answerCallbackQuery: BotMethod = ({ params }, { state }) => {
  const id = stringParam(params, "callback_query_id");
  if (id === undefined || !state.openCallbackQueries.has(id)) {
    throw badRequest("query is too old and response timeout expired or query ID is invalid");
  }
  const text = stringParam(params, "text");
  if (text !== undefined && Array.from(text).length > MAX_CALLBACK_ANSWER_LENGTH) throw badRequest("MESSAGE_TOO_LONG");
  state.openCallbackQueries.delete(id);
  state.callbackAnswers.push({
    callbackQueryId: id,
    ...(text !== undefined ? { text } : {}),
    showAlert: booleanParam(params, "show_alert"),
  });
  return true;
};

export const BOT_METHODS: ReadonlyMap<string, BotMethod> = new Map(
  Object.entries({
    getMe,
    sendMessage,
    sendPhoto,
    editMessageText,
    editMessageCaption,
    editMessageMedia,
    deleteMessage,
    getUpdates,
    getChatMember,
    getChat,
    setMyCommands,
    getMyCommands,
    deleteMyCommands,
    setWebhook,
    deleteWebhook,
    getWebhookInfo,
    answerCallbackQuery,
  }).map(([name, method]) => [name.toLowerCase(), method]),
);

/**
 * `POST /channels/{channel}/messages/{message}/threads` (Start Thread from Message) and
 * `POST /channels/{channel}/messages/{message}/crosspost` (Crosspost Message), with what
 * Discord refuses: a second thread from one message (160004), a thread from a message that is
 * already in a thread or forum post (50024), publishing outside an announcement channel (50024)
 * or twice (40033).
 */
import {
  alreadyCrossposted,
  cannotSendInNonTextChannel,
  FormErrors,
  threadAlreadyCreated,
  unknownChannel,
  unknownMessage,
  wrongChannelType,
} from "./errors.ts";
import { parseRequestBody } from "./multipart.ts";
import { type FakeState, param, type RouteHandler } from "./state.ts";
import { toApiMessage } from "./store.ts";
import type { RecordedMessage } from "./types.ts";

export const CHANNEL_TYPES = { text: 0, announcement: 5, announcementThread: 10, publicThread: 11, forum: 15 } as const;

export const THREAD_TYPES: ReadonlySet<number> = new Set([10, 11, 12]);
/** Forums, media channels, voice, stage and categories take no plain messages. */
const NO_MESSAGES: ReadonlySet<number> = new Set([2, 4, 13, 15, 16]);
const ARCHIVE_DURATIONS = [60, 1440, 4320, 10080];

/** A channel's type as the fake knows it: set by the test, a thread it started, or a text channel. */
export function channelTypeOf(state: FakeState, channelId: string): number {
  return state.channelTypes.get(channelId) ?? (state.threads.has(channelId) ? CHANNEL_TYPES.publicThread : 0);
}

/**
 * Whether a message may be created in `channelId`: not a forum or other non-text channel, and not
 * a thread that was never started (a message's id is only a channel once a thread was started from it).
 */
export function checkCanPostIn(state: FakeState, channelId: string): void {
  if (NO_MESSAGES.has(channelTypeOf(state, channelId))) throw cannotSendInNonTextChannel();
  if (!state.threads.has(channelId) && state.store.find(channelId)) throw unknownChannel();
}

function messageIn(state: FakeState, channelId: string, messageId: string): RecordedMessage {
  const message = state.store.find(messageId);
  if (!message || message.channelId !== channelId) throw unknownMessage();
  return message;
}

export const startThreadFromMessage: RouteHandler = async (ctx, state) => {
  const channelId = param(ctx, "channel");
  const message = messageIn(state, channelId, param(ctx, "message"));
  const { payload } = await parseRequestBody(ctx.contentType, ctx.raw);
  const errors = new FormErrors();
  const name = payload.name;
  if (typeof name !== "string" || name.trim() === "" || name.length > 100)
    errors.add(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  const duration = payload.auto_archive_duration ?? 4320;
  if (typeof duration !== "number" || !ARCHIVE_DURATIONS.includes(duration))
    errors.add(["auto_archive_duration"], "BASE_TYPE_CHOICES", `Value must be one of {${ARCHIVE_DURATIONS}}.`);
  errors.throwIfAny();
  const parentType = channelTypeOf(state, channelId);
  if (THREAD_TYPES.has(parentType) || NO_MESSAGES.has(parentType)) throw wrongChannelType();
  if (state.threads.has(message.id)) throw threadAlreadyCreated();
  const thread = { id: message.id, parentId: channelId, name: name as string, autoArchiveDuration: duration as number };
  state.threads.set(thread.id, thread);
  const type =
    parentType === CHANNEL_TYPES.announcement ? CHANNEL_TYPES.announcementThread : CHANNEL_TYPES.publicThread;
  state.channelTypes.set(thread.id, type);
  return {
    status: 201,
    json: { id: thread.id, type, parent_id: channelId, name: thread.name, auto_archive_duration: duration },
  };
};

export const crosspostMessage: RouteHandler = async (ctx, state) => {
  const channelId = param(ctx, "channel");
  const message = messageIn(state, channelId, param(ctx, "message"));
  if (channelTypeOf(state, channelId) !== CHANNEL_TYPES.announcement) throw wrongChannelType();
  if (message.crosspostedAt !== undefined) throw alreadyCrossposted();
  message.crosspostedAt = Date.now();
  message.body.flags = (typeof message.body.flags === "number" ? message.body.flags : 0) | 1;
  return { status: 200, json: toApiMessage(message, { baseUrl: state.baseUrl, channelId }) };
};

/** What SlackFake records, for tests to assert on. */

/** A message as it would appear in a channel. */
export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as the client sent it, for tests to dig into
  blocks: any[];
  /** Ids of files shared with this message (files.completeUploadExternal). */
  files: string[];
  /** "user": a member's message (`SlackFake.postAsUser`), which the bot can neither update nor delete. */
  via: "api" | "webhook" | "user";
  threadTs?: string;
  /** A thread reply also shown in the channel (`reply_broadcast: true`). */
  replyBroadcast?: true;
  /** Set by chat.update. */
  edited?: boolean;
  /** Set by chat.delete; the message stays in the list so counts do not shift under a test. */
  deleted?: boolean;
}

/** A file whose bytes reached the upload URL and whose upload was completed. */
export interface SlackUpload {
  fileId: string;
  filename: string;
  bytes: Buffer;
  channel?: string;
  title?: string;
  initialComment?: string;
  altText?: string;
  /** Set by files.delete. */
  deleted?: boolean;
}

/** A message an app sent to a slash command's response_url. */
export interface SlackCommandResponse {
  /** The id given to `SlackFake.responseUrl(id)`. */
  responseUrlId: string;
  responseType: "ephemeral" | "in_channel";
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as the app sent it
  blocks: any[];
}

/** A chat.postEphemeral message, visible to one user only. */
export interface SlackEphemeral {
  channel: string;
  user: string;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as the client sent it
  blocks: any[];
  messageTs: string;
}

/** Errors a channel can be made to answer with. */
export type SlackChannelError = "channel_not_found" | "not_in_channel" | "is_archived";

export interface SlackChannel {
  id: string;
  name: string;
  error?: SlackChannelError;
}

export interface SlackUser {
  id: string;
  isAdmin: boolean;
  isOwner: boolean;
  locale: string;
}

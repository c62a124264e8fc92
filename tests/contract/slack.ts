/**
 * The Slack adapter for the shared contract suite (tests/adapter-contract.test.ts): the real
 * adapter and WebClient against a SlackFake with one joined channel, one the bot was not
 * invited to (not_in_channel → PermissionError) and one that does not exist.
 *
 * 429s: the WebClient waits out Retry-After and retries by itself, so the post still resolves
 * and the message arrives once; no RateLimitError reaches the caller.
 *
 * Message ids are "ts" or "ts|cardFileId"; `received()` reports each message under the id
 * `post` returned for it (an edit may swap or drop the card file, the id stays).
 */
import type { ChatAdapter } from "../../src/adapter.ts";
import { SlackFake, type SlackMessage } from "../fakes/slack/server.ts";
import { adapterFor, BOT_TOKEN } from "../fixtures/slack/adapter.ts";
import { type ContractHarness, type HarnessFactory, recordingPoster } from "./harness.ts";

const CHANNEL = "C0CONTRACT1";
const FORBIDDEN = "C0NOTINVITED";
const MISSING = "C0DOESNOTEXIST";

/** The file an image block shows, when the message shows an uploaded card. */
function shownFile(message: SlackMessage): string | null {
  const image = message.blocks.find((block) => block?.type === "image" && typeof block.slack_file?.id === "string");
  return image ? (image.slack_file.id as string) : (message.files[0] ?? null);
}

/** What a member reads: the notification text, the header and the context line under it. */
function visibleText(message: SlackMessage): string {
  const header = message.blocks.find((block) => block?.type === "header")?.text?.text;
  const context = message.blocks.find((block) => block?.type === "context")?.elements?.[0]?.text;
  return [header, context, message.text].filter((part): part is string => typeof part === "string").join("\n");
}

/** The adapter, noting which id `post` returned for each message ts. */
function recordingIds(adapter: ChatAdapter, idsByTs: Map<string, string>): ChatAdapter {
  return {
    platform: adapter.platform,
    poster: (channelId) =>
      recordingPoster(adapter.poster(channelId), (posted) => {
        if (posted.id) idsByTs.set(posted.id.split("|")[0] ?? posted.id, posted.id);
      }),
    edit: (channelId, messageId, message, card) => adapter.edit(channelId, messageId, message, card),
    delete: (channelId, messageId) => adapter.delete(channelId, messageId),
    start: (handler) => adapter.start(handler),
    stop: () => adapter.stop(),
    httpRoutes: () => adapter.httpRoutes(),
  };
}

/** The text a member reads in a message: its section texts, else the notification text. */
function replyText(message: SlackMessage): string {
  const sections = message.blocks.filter((block) => block?.type === "section").map((block) => block.text?.text ?? "");
  return sections.length > 0 ? sections.join("\n") : message.text;
}

export const createSlackHarness: HarnessFactory = async (): Promise<ContractHarness> => {
  const slack = await SlackFake.start({
    botToken: BOT_TOKEN,
    perChannelPerSecond: 0,
    channels: { [CHANNEL]: "contract" },
  });
  slack.setChannelError(FORBIDDEN, "not_in_channel");
  const slackAdapter = adapterFor(slack);
  const idsByTs = new Map<string, string>();
  const adapter = recordingIds(slackAdapter, idsByTs);
  return {
    adapter,
    channelId: CHANNEL,
    forbiddenChannelId: FORBIDDEN,
    missingChannelId: MISSING,
    received: () =>
      slack.messages
        .filter((message) => message.channel === CHANNEL && message.threadTs === undefined)
        .map((message) => ({
          id: idsByTs.get(message.ts) ?? message.ts,
          text: visibleText(message),
          hasCard: shownFile(message) !== null,
          deleted: message.deleted === true,
        })),
    failNextWith429: (retryAfterSeconds) => slack.failNext(1, 429, { retryAfter: retryAfterSeconds }),
    shownCard: (postId) => {
      const ts = postId.split("|")[0];
      const message = slack.messages.find((candidate) => candidate.channel === CHANNEL && candidate.ts === ts);
      const fileId = message ? shownFile(message) : null;
      return slack.uploads.find((upload) => upload.fileId === fileId && !upload.deleted)?.bytes ?? null;
    },
    threadReplies: (postId) =>
      slack.messages
        .filter((message) => message.channel === CHANNEL && message.threadTs === postId.split("|")[0])
        .map((message) => ({ text: replyText(message) })),
    memberMessage: (text) => slack.postAsUser(CHANNEL, text),
    missingMessageId: "1600000000.000100",
    retractionKeepsPhoto: false,
    close: async () => {
      await slackAdapter.stop();
      await slack.close();
    },
  };
};

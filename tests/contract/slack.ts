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
import type { ContractHarness, HarnessFactory } from "./harness.ts";

const CHANNEL = "C0CONTRACT1";
const FORBIDDEN = "C0NOTINVITED";
const MISSING = "C0DOESNOTEXIST";

/** The file an image block shows, when the message shows an uploaded card. */
function shownFile(message: SlackMessage): string | null {
  const image = message.blocks.find((block) => block?.type === "image" && typeof block.slack_file?.id === "string");
  return image ? (image.slack_file.id as string) : (message.files[0] ?? null);
}

/** What a member reads: the notification text and the header. */
function visibleText(message: SlackMessage): string {
  const header = message.blocks.find((block) => block?.type === "header")?.text?.text;
  return [header, message.text].filter((part): part is string => typeof part === "string").join("\n");
}

/** The adapter, noting which id `post` returned for each message ts. */
function recordingIds(adapter: ChatAdapter, idsByTs: Map<string, string>): ChatAdapter {
  return {
    platform: adapter.platform,
    poster: (channelId) => {
      const poster = adapter.poster(channelId);
      return {
        platform: poster.platform,
        post: async (message, card, options) => {
          const posted = await poster.post(message, card, options);
          if (posted.id) idsByTs.set(posted.id.split("|")[0] ?? posted.id, posted.id);
          return posted;
        },
      };
    },
    edit: (channelId, messageId, message, card) => adapter.edit(channelId, messageId, message, card),
    delete: (channelId, messageId) => adapter.delete(channelId, messageId),
    start: (handler) => adapter.start(handler),
    stop: () => adapter.stop(),
    httpRoutes: () => adapter.httpRoutes(),
  };
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
        .filter((message) => message.channel === CHANNEL)
        .map((message) => ({
          id: idsByTs.get(message.ts) ?? message.ts,
          text: visibleText(message),
          hasCard: shownFile(message) !== null,
          deleted: message.deleted === true,
        })),
    failNextWith429: (retryAfterSeconds) => slack.failNext(1, 429, { retryAfter: retryAfterSeconds }),
    close: async () => {
      await slackAdapter.stop();
      await slack.close();
    },
  };
};

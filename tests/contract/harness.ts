import type { ChatAdapter, PostedMessage, Poster } from "../../src/adapter.ts";

/** What one platform gives the shared adapter contract suite (tests/adapter-contract.test.ts). */
export interface ContractHarness {
  adapter: ChatAdapter;
  /** A channel/chat the bot can post to. */
  channelId: string;
  /** Posting here fails with PermissionError (the fake denies access). */
  forbiddenChannelId: string;
  /** Posting here fails with NotFoundError (the fake says the channel does not exist). */
  missingChannelId: string;
  /** Top-level messages the fake holds for `channelId` (thread replies excluded), oldest first, as a member would see them. */
  received(): { id: string; text: string; hasCard: boolean; deleted: boolean }[];
  /** The fake answers the next message-creating request with 429 and this Retry-After. */
  failNextWith429(retryAfterSeconds: number): void;
  /** The PNG members see on the post with this id (as `post` returned it), or null when it shows none. */
  shownCard(postId: string): Buffer | null;
  /** What members read in the thread under the post with this id (Telegram: the replies to it), oldest first. */
  threadReplies(postId: string): { text: string }[];
  /** Puts a message a member wrote into `channelId`; returns its id as a poster would name it. */
  memberMessage(text: string): string;
  /** An id, in the poster's format, of a message that does not exist in `channelId`. */
  missingMessageId: string;
  /**
   * Whether a retracted post keeps its photo: Telegram cannot turn a photo message into text (the
   * caption becomes the retraction; adapters/README.md), every other platform removes the card.
   */
  retractionKeepsPhoto: boolean;
  close(): Promise<void>;
}

export type HarnessFactory = () => Promise<ContractHarness>;

/**
 * A poster that tells `onPosted` the id of every post it made, and forwards every other method the
 * platform's poster has (edit, reply, crosspost, delete) untouched.
 */
export function recordingPoster(poster: Poster, onPosted: (posted: PostedMessage) => void): Poster {
  return Object.assign(Object.create(poster) as Poster, {
    post: async (...args: Parameters<Poster["post"]>) => {
      const posted = await poster.post(...args);
      onPosted(posted);
      return posted;
    },
  });
}

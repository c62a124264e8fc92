import type { ChatAdapter } from "../../src/adapter.ts";

/** What one platform gives the shared adapter contract suite (tests/adapter-contract.test.ts). */
export interface ContractHarness {
  adapter: ChatAdapter;
  /** A channel/chat the bot can post to. */
  channelId: string;
  /** Posting here fails with PermissionError (the fake denies access). */
  forbiddenChannelId: string;
  /** Posting here fails with NotFoundError (the fake says the channel does not exist). */
  missingChannelId: string;
  /** Messages the fake holds for `channelId`, oldest first, as a member would see them. */
  received(): { id: string; text: string; hasCard: boolean; deleted: boolean }[];
  /** The fake answers the next message-creating request with 429 and this Retry-After. */
  failNextWith429(retryAfterSeconds: number): void;
  close(): Promise<void>;
}

export type HarnessFactory = () => Promise<ContractHarness>;

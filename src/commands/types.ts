import type { CommandRequest } from "../chat/types.ts";
import type { Language } from "../i18n/index.ts";
import type { Log } from "../log.ts";
import type { Store } from "../store/index.ts";

export type ChatPlatform = CommandRequest["platform"];

/** What the commands need from the running Herald. The lead wires it up. */
export interface CommandServices {
  store: Store;
  /**
   * Destinations for a platform channel: the config's destinations whose
   * channelId/channel/chatId equals the channel, plus store destinations
   * created from chat (see {@link ensureDestination}).
   */
  destinationsFor(platform: ChatPlatform, channelId: string): Promise<string[]>;
  /**
   * Creates (or returns) the store destination for a channel, so `/feeds add`
   * works in any channel, e.g. id `${platform}-${channelId}`. Must return a
   * destination that is stored and that `destinationsFor` lists from then on.
   */
  ensureDestination(platform: ChatPlatform, channelId: string): Promise<string>;
  /** Called after a feed was added, resumed, removed or paused, so the scheduler can (un)schedule polling. */
  onFeedsChanged(): Promise<void>;
  /** Lets `/feeds add` fetch loopback/private/CGNAT addresses (self-hosted feeds, tests). Never link-local or metadata. */
  allowPrivateFeedUrls: boolean;
  /** Caps `/feeds add` enforces; defaults {@link DEFAULT_FEED_LIMITS}. */
  limits?: FeedLimits;
  /** Total time for the test fetch of `/feeds add`; default 10 s. */
  fetchTimeoutMs?: number;
  /** Where unexpected failures are logged; the user only sees a generic apology. */
  log?: Log;
}

/** How many feeds chat may create (config `limits:`). */
export interface FeedLimits {
  /** Feeds posting to one channel, config feeds included. */
  feedsPerChannel: number;
  /** Feeds in the whole store, config feeds included. */
  feeds: number;
}

export const DEFAULT_FEED_LIMITS: FeedLimits = { feedsPerChannel: 20, feeds: 500 };

/** One command being run: the request, the services, and the reply language. */
export interface CommandContext {
  request: CommandRequest;
  services: CommandServices;
  lang: Language;
}

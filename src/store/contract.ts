/**
 * The store's contract: what Herald keeps (feeds, destinations, articles and
 * their versions, deliveries, seen feed items, cards, a search index) and the
 * operations on it. Every operation is async so one interface fits both the
 * embedded SQLite backend (src/store/sqlite/) and the shared PostgreSQL one
 * (src/store/postgres/); nothing outside src/store/ knows which one runs.
 * Both backends pass the same contract suite (tests/store-contract/).
 */
import type { Article } from "../article/types.ts";

/** What {@link ArticleStore.upsertArticle} did. */
export interface UpsertArticleResult {
  /** The article's version after the call (1 for a new article). */
  version: number;
  /** True when an already stored article's content changed, so `version` went up. False for a new article. */
  changed: boolean;
  /** True when the article was not stored before (`version` is 1). */
  isNew: boolean;
  /**
   * Set when the content differs from the latest version but is not newer
   * than it, so it was not stored (`version` stays the latest's, `changed`
   * is false): `replay` repeats an earlier version word for word; `older`
   * carries a content date before the latest version's.
   */
  stale?: StaleArticle;
}

/** Why an article's content was not stored as its newest version. */
export interface StaleArticle {
  kind: "replay" | "older";
  /** For logs: which version it repeats, or the two dates. */
  reason: string;
}

/** An article as stored, with its bookkeeping. */
export interface StoredArticle {
  article: Article;
  version: number;
  contentHash: string;
  /** The feed it was last stored from, or null (ingest API, removed feed). */
  feedId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LatestArticlesOptions {
  /** Only articles from these feeds; an empty list gives nothing. */
  feedIds?: readonly string[];
  /** At most this many, 1–1000. */
  limit: number;
}

export interface ArticleStore {
  /**
   * Stores `article`, versioned by its content hash (title, url, date,
   * excerpt, body, timeline, image, categories, tags): the same content
   * again is a no-op; changed content becomes version + 1 and the old
   * version stays readable with {@link getArticleVersion}. Deliver when
   * `isNew || changed`.
   *
   * Versions only move forward: content equal to an earlier version (a
   * replayed old body, a stale cache) or dated before the latest version is
   * not stored and comes back with `stale` saying why, so a correction is
   * never reverted by whatever arrives late.
   *
   * @param feedId the feed it came from (must be stored), or null; a non-null feed replaces the recorded one.
   * @throws StoreError when the article is malformed or the feed is not stored.
   */
  upsertArticle(article: Article, feedId: string | null): Promise<UpsertArticleResult>;
  /** The latest version of an article, or null. */
  getArticle(id: string): Promise<StoredArticle | null>;
  /** One stored version of an article, or null. */
  getArticleVersion(id: string, version: number): Promise<StoredArticle | null>;
  /** The number of an article's latest version, or null when it is not stored: {@link getArticle} without reading the article. */
  latestVersion(id: string): Promise<number | null>;
  /** Newest first by article date; undated articles by when they were first stored. */
  latestArticles(options: LatestArticlesOptions): Promise<StoredArticle[]>;
  /**
   * The article whose id is `ref`, else the one whose URL is `ref` (with or
   * without a trailing slash), else null. With `feedIds`, only articles that
   * came from one of those feeds are found (an empty list finds nothing).
   */
  findArticleByIdOrUrl(ref: string, options?: { feedIds?: readonly string[] }): Promise<StoredArticle | null>;
}

export type DeliveryState = "pending" | "sending" | "delivered" | "failed";

/** One article version's delivery to one destination. */
export interface Delivery {
  articleId: string;
  version: number;
  destinationId: string;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  /** True when the last failure was marked permanent (do not retry). */
  permanentFailure: boolean;
  /** Discord message id, Slack ts, or Telegram message ids as JSON; null until delivered. */
  platformMessageId: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

/** How one send of a delivery ended. `retrying`: failed, BullMQ tries again; `failed`: given up for good. */
export type AttemptOutcome = "delivered" | "failed" | "rate_limited" | "retrying";

/** What {@link DeliveryStore.recordAttempt} keeps about one send: the platform's answer as the adapter reported it. */
export interface DeliveryAttemptInput {
  articleId: string;
  version: number;
  destinationId: string;
  /** When the platform answered (ISO 8601); defaults to now. */
  at?: string;
  outcome: AttemptOutcome;
  /** The platform's HTTP status, when there was an answer. */
  status?: number;
  /** Herald's error code for the answer (`not_found`, `rate_limited`, `server`, …). */
  code?: string;
  /** How long the platform asked Herald to wait. */
  retryAfterMs?: number;
  /** The message the send posted or edited. */
  messageId?: string;
  /** Why it failed; kept redacted and truncated like {@link DeliveryStore.markFailed}'s reason. */
  error?: string;
}

/** One recorded send of a delivery. */
export interface DeliveryAttempt {
  articleId: string;
  version: number;
  destinationId: string;
  at: string;
  outcome: AttemptOutcome;
  status: number | null;
  code: string | null;
  retryAfterMs: number | null;
  messageId: string | null;
  error: string | null;
}

/** Where a page of {@link DeliveryStore.listUnfinishedDeliveries} ended: any delivery (its own fields are enough). */
export type DeliveryCursor = Pick<Delivery, "updatedAt" | "articleId" | "version" | "destinationId">;

export interface DeliveryStore {
  /**
   * Records that `articleId` version `version` is due at `destinationId`.
   * Idempotent: a delivery that already exists is returned unchanged,
   * whatever its state.
   * @throws StoreError when the article version or the destination is not stored.
   */
  recordDeliveryPending(articleId: string, version: number, destinationId: string): Promise<Delivery>;
  /**
   * {@link recordDeliveryPending} for many destinations in one step (a fan-out to thousands of
   * destinations is then one round trip, not thousands): the deliveries, one per distinct
   * destination, in the order given. All or nothing.
   * @throws StoreError when the article version or one of the destinations is not stored.
   */
  recordDeliveriesPending(articleId: string, version: number, destinationIds: readonly string[]): Promise<Delivery[]>;
  /**
   * Marks a send as started (from pending, failed, or sending again after a crash) and counts it
   * as one more attempt, in one write: the delivery path's bookkeeping is what bounds fan-out speed.
   * @throws StoreError when the delivery is unknown, already delivered, or failed permanently.
   */
  markSending(articleId: string, version: number, destinationId: string): Promise<Delivery>;
  /** Marks the delivery done and keeps the platform's message id (needed to edit the message later). */
  markDelivered(
    articleId: string,
    version: number,
    destinationId: string,
    platformMessageId: string | null,
  ): Promise<Delivery>;
  /**
   * Records a failed attempt. `permanent` failures are not retried: markSending refuses them.
   * Errors are stored redacted (see redactSecrets) and truncated to 2000 characters.
   */
  markFailed(
    articleId: string,
    version: number,
    destinationId: string,
    error: string,
    permanent: boolean,
  ): Promise<Delivery>;
  /**
   * Makes a delivery that failed permanently `pending` again, so markSending lets it through once more.
   * Only for an admin's explicit retry (the queue dashboard): nothing else revives a permanent failure.
   * The last error is kept for `herald trace`.
   * @returns the reopened delivery, or null when it was not failed permanently (nothing changed then).
   * @throws StoreError when the delivery is not recorded.
   */
  reopenFailedDelivery(articleId: string, version: number, destinationId: string): Promise<Delivery | null>;
  /** Counts one more attempt and returns the new count. */
  incrementAttempts(articleId: string, version: number, destinationId: string): Promise<number>;
  getDelivery(articleId: string, version: number, destinationId: string): Promise<Delivery | null>;
  /** The delivered delivery with the highest version of an article at a destination (the message to edit), or null. */
  latestDelivered(articleId: string, destinationId: string): Promise<Delivery | null>;
  /** Most recently changed first. */
  listRecentDeliveries(limit: number): Promise<Delivery[]>;
  /** How many deliveries are in each state (every state present, zero when none). */
  countByState(): Promise<Record<DeliveryState, number>>;
  /**
   * Deliveries still `pending` or `sending`, least recently changed first
   * (ties by article id, version, destination id): what a recovery sweep
   * re-queues when their jobs are gone (Redis lost its data, a process died).
   * `updatedBefore` leaves out ones changed since then; `after` (the last
   * delivery of the previous page) continues from there.
   *
   * @example
   * const first = await store.listUnfinishedDeliveries({ limit: 500 });
   * const second = await store.listUnfinishedDeliveries({ after: first.at(-1), limit: 500 });
   */
  listUnfinishedDeliveries(options: {
    updatedBefore?: string | undefined;
    after?: DeliveryCursor | undefined;
    limit: number;
  }): Promise<Delivery[]>;
}

/** The history behind each delivery's state: what every send got back from the platform. */
export interface DeliveryAttemptStore {
  /**
   * Keeps one send's outcome for `herald trace` and `/news trace`: the history behind a delivery's
   * current state. Only the newest {@link MAX_ATTEMPTS_KEPT} attempts per delivery are kept, so a
   * destination that keeps answering 429 cannot grow the table without bound.
   * @throws StoreError when the delivery is not recorded.
   */
  recordAttempt(attempt: DeliveryAttemptInput): Promise<void>;
  /** Every kept attempt of every version of an article at every destination, oldest first. */
  listAttempts(articleId: string): Promise<DeliveryAttempt[]>;
  /** Every delivery of every version of an article, by destination id then version. */
  listArticleDeliveries(articleId: string): Promise<Delivery[]>;
}

/** What the config says about a feed; runtime state (paused, HTTP cache, errors) is kept across upserts. */
export interface FeedInput {
  id: string;
  /** "rss", "directory", … as the config names it. */
  type: string;
  /** The feed's config, JSON-safe; secret-named keys (token, password, auth…) and URL credentials are redacted. */
  config: Record<string, unknown>;
  /** Destinations the feed posts to (each must be stored); replaces the previous list. */
  destinationIds: readonly string[];
}

export interface FeedRecord {
  id: string;
  type: string;
  config: Record<string, unknown>;
  destinationIds: string[];
  paused: boolean;
  /** When the first poll finished (its items are recorded as seen, not posted); null before. */
  firstRunDoneAt: string | null;
  etag: string | null;
  lastModified: string | null;
  lastPolledAt: string | null;
  /** The last poll's error, null after a poll that succeeded. */
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** HTTP validators from the last successful fetch, sent back as If-None-Match / If-Modified-Since. */
export interface FeedHttpCache {
  etag: string | null;
  lastModified: string | null;
}

export interface FeedStore {
  /** Creates or updates a feed from config. @throws StoreError when a listed destination is not stored. */
  upsertFeed(feed: FeedInput): Promise<FeedRecord>;
  getFeed(id: string): Promise<FeedRecord | null>;
  /** All feeds by id, or only those posting to `destinationId`. */
  listFeeds(options?: { destinationId?: string }): Promise<FeedRecord[]>;
  setFeedPaused(id: string, paused: boolean): Promise<void>;
  /** Removes the feed, its destination links and seen items; its articles stay, without a feed. Returns false when it was not stored. */
  removeFeed(id: string): Promise<boolean>;
  markFirstRunDone(feedId: string): Promise<void>;
  isFirstRunDone(feedId: string): Promise<boolean>;
  saveFeedHttpCache(feedId: string, cache: FeedHttpCache): Promise<void>;
  /**
   * Records a poll's outcome: its error message, or null for success. Also sets lastPolledAt.
   * @returns how many polls in a row have failed now (0 after a success), for health alerts.
   */
  recordFeedError(feedId: string, error: string | null): Promise<number>;
  /** Remembers an item's content hash so the next poll can tell new and changed items from seen ones. */
  markItemSeen(feedId: string, key: string, hash: string): Promise<void>;
  /** The content hash recorded for an item, or null when it was never seen. */
  getItemHash(feedId: string, key: string): Promise<string | null>;
}

export interface DestinationInput {
  id: string;
  /** "discord", "slack", "telegram", … */
  type: string;
  /** The destination's config; secrets (tokens, webhook URLs) are redacted before storing. */
  config: Record<string, unknown>;
}

export interface DestinationRecord {
  id: string;
  type: string;
  /** The config as stored: secrets replaced by "[redacted]", URLs cut to their origin. */
  config: Record<string, unknown>;
  /** Why deliveries to it are held (e.g. the bot lost access), or null. */
  flaggedReason: string | null;
  flaggedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DestinationFilter {
  /** Only flagged destinations. */
  flagged?: boolean;
  /** Only destinations of this type (a chat platform's id for a destination added from chat). */
  type?: string;
  /** Only destinations posting to this chat channel (`config.channelId`). */
  channelId?: string;
}

export interface DestinationStore {
  /** Creates or updates a destination from config; a flag set earlier is kept. */
  upsertDestination(destination: DestinationInput): Promise<DestinationRecord>;
  /** Flags a destination that cannot be delivered to, with a reason people can act on. */
  flagDestination(id: string, reason: string): Promise<void>;
  clearDestinationFlag(id: string): Promise<void>;
  getDestination(id: string): Promise<DestinationRecord | null>;
  /**
   * Destinations by id: all of them, or only those matching every option given. Each option keeps
   * the read small however many destinations there are: the alerts check the flagged ones once a
   * minute, and every slash command looks up the ones of its chat channel.
   */
  listDestinations(options?: DestinationFilter): Promise<DestinationRecord[]>;
}

/** Whether an alert's problem is going on (`open`) or over (`closed`). */
export type AlertState = "open" | "closed";

/** One health alert: a feed, destination, delivery or queue that is (or was) broken. */
export interface AlertRecord {
  /** What it is about: `feed:<id>`, `destination:<id>`, `delivery:<article>.v<version>:<destination>`, `backlog:<queue>`. */
  key: string;
  state: AlertState;
  /** Why it opened (redacted), as people were told. */
  reason: string;
  openedAt: string;
  /** When people were last told it is open (the opening, or a repeat). */
  lastNotifiedAt: string;
  closedAt: string | null;
}

/** What {@link AlertStore.openAlert} changed, when it changed something the admins must hear about. */
export interface AlertTransition {
  /** `opened`: it was closed or unknown; `repeated`: it stayed open past the repeat interval. */
  kind: "opened" | "repeated";
  alert: AlertRecord;
}

/**
 * Health alerts' state, shared by the fleet: each change is one atomic step, so of
 * several processes seeing the same failure exactly one wins the transition and sends
 * the message, and the state survives Redis losing its data.
 */
export interface AlertStore {
  /**
   * Opens the alert `key` with `reason`. When it is already open, only renews the
   * notification time, and only when people were last told before `repeatBefore`.
   * @param at when (ISO 8601); defaults to now.
   * @returns what changed, or null when people need not hear about it (open and recently notified).
   *
   * @example
   * const change = await store.openAlert("feed:hn", "HTTP 500", { repeatBefore: dayAgo });
   * if (change) queueAlertMessage(change);
   */
  openAlert(
    key: string,
    reason: string,
    options: { repeatBefore: string; at?: string },
  ): Promise<AlertTransition | null>;
  /** Closes the alert `key`: the closed alert when this call closed it, null when it was not open. */
  closeAlert(key: string, options?: { at?: string }): Promise<AlertRecord | null>;
  getAlert(key: string): Promise<AlertRecord | null>;
  /** Open alerts by key, optionally only those whose key starts with `prefix`. */
  listOpenAlerts(prefix?: string): Promise<AlertRecord[]>;
}

/** A cache of rendered card PNGs, keyed by whatever identifies the card's content (e.g. a hash of its data). */
export interface CardStore {
  getCard(key: string): Promise<Buffer | null>;
  /** Stores or replaces a card. */
  putCard(key: string, png: Buffer): Promise<void>;
  /** Deletes cards stored before `isoInstant`; returns how many. */
  pruneCardsBefore(isoInstant: string): Promise<number>;
  /**
   * Deletes cards stored before `isoInstant` that no article version stored
   * since then uses (`cardKeyOf` gives a version's card key, null for none);
   * returns how many. A card's age alone says nothing: a card rendered long
   * ago is reused, unrendered, by every later version with the same card data.
   */
  pruneUnusedCardsBefore(isoInstant: string, cardKeyOf: (article: Article) => string | null): Promise<number>;
}

/** The part of an article a search result shows. */
export interface ArticleSummary {
  id: string;
  title: string;
  url: string | null;
  date: string | null;
  source: string | null;
}

/** One search result. */
export interface SearchHit {
  article: ArticleSummary;
  /** Plain text from the article around the first match, "…" where cut. */
  snippet: string;
}

export interface SearchOptions {
  /** Only articles from these feeds (articles stored without a feed are then left out). An empty list matches nothing. */
  feedIds?: readonly string[];
  /** At most this many results, 1–100; default 20. */
  limit?: number;
}

/** Attempts kept per delivery (article version × destination); older ones are dropped as new ones are recorded. */
export const MAX_ATTEMPTS_KEPT = 20;

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;

/** Everything Herald keeps, shared by every process that opens the same database. */
export interface Store
  extends ArticleStore,
    DeliveryStore,
    DeliveryAttemptStore,
    FeedStore,
    DestinationStore,
    CardStore,
    AlertStore {
  /** Where the data lives, for logs and `herald status`: a file path, or a database URL without its password. */
  readonly location: string;
  /** Things the operator should know about the database, found when it was opened (e.g. a locale that hurts search); log each once. */
  readonly notices: readonly string[];
  /**
   * Full-text search over titles and bodies; every term must match. Korean
   * works for 1-, 2- and 3+-syllable terms; Latin is case- and
   * accent-insensitive. The exact matching rules are on `parseSearchQuery` (search/query.ts).
   *
   * @example
   * await store.searchArticles("애저 네트워킹", { feedIds: ["newsdao"], limit: 5 });
   * @throws SearchQueryError for an empty query, one over 200 characters, or one with nothing searchable.
   */
  searchArticles(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  /**
   * Adds `feed` unless `refuse` objects: `refuse` sees every stored feed and
   * returns why not (anything non-null) or null; the check and the insert are
   * one atomic step across the whole fleet, so two admins adding feeds at once
   * cannot both slip under a limit or both add the same URL.
   * @returns null when the feed was added, else what `refuse` returned.
   */
  createFeedUnless<R>(feed: FeedInput, refuse: (feeds: FeedRecord[]) => R | null): Promise<R | null>;
  /** Resolves once the database answers a trivial query, rejects when it cannot: `/healthz` asks it on every probe. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** `T` with every async method made synchronous: what the SQLite backend implements underneath its async face. */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

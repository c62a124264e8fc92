/** Herald's SQLite store: open it with {@link openStore}. */

export type { ArticleStore, LatestArticlesOptions, StoredArticle, UpsertArticleResult } from "./articles.ts";
export type { CardStore } from "./cards.ts";
export { articleContentHash, stableJson } from "./content-hash.ts";
export type { Delivery, DeliveryState, DeliveryStore } from "./deliveries.ts";
export type { DestinationInput, DestinationRecord, DestinationStore } from "./destinations.ts";
export { SearchQueryError, StoreError } from "./errors.ts";
export type { FeedHttpCache, FeedInput, FeedRecord, FeedStore } from "./feeds.ts";
export { SCHEMA_VERSION } from "./migrations.ts";
export type { ArticleSummary, SearchHit, SearchOptions } from "./search/index.ts";
export { MAX_QUERY_LENGTH, parseSearchQuery } from "./search/query.ts";
export { openStore, type Store } from "./store.ts";

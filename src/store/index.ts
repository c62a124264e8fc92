/** Herald's SQLite store: open it with {@link openStore}. */
export { openStore, type Store } from "./store.ts";
export { StoreError, SearchQueryError } from "./errors.ts";
export type { ArticleStore, StoredArticle, UpsertArticleResult, LatestArticlesOptions } from "./articles.ts";
export type { Delivery, DeliveryState, DeliveryStore } from "./deliveries.ts";
export type { FeedInput, FeedRecord, FeedHttpCache, FeedStore } from "./feeds.ts";
export type { DestinationInput, DestinationRecord, DestinationStore } from "./destinations.ts";
export type { CardStore } from "./cards.ts";
export type { ArticleSummary, SearchHit, SearchOptions } from "./search/index.ts";
export { MAX_QUERY_LENGTH, parseSearchQuery } from "./search/query.ts";
export { articleContentHash, stableJson } from "./content-hash.ts";
export { SCHEMA_VERSION } from "./migrations.ts";

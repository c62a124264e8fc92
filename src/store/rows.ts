/**
 * The rows both backends read, and how they become the contract's records.
 * The columns are the same; SQLite hands back 0/1 and JSON text where
 * PostgreSQL hands back booleans, jsonb objects and arrays, so each mapper
 * takes either.
 */
import type { Article } from "../article/types.ts";
import type {
  AlertRecord,
  AlertState,
  AlertTransition,
  AttemptOutcome,
  Delivery,
  DeliveryAttempt,
  DeliveryState,
  DestinationRecord,
  FeedRecord,
  StoredArticle,
} from "./contract.ts";

type Flag = number | boolean;
type Json<T> = string | T;

const flag = (value: Flag) => value === true || value === 1;
const json = <T>(value: Json<T>): T => (typeof value === "string" ? (JSON.parse(value) as T) : value);

export interface ArticleRow {
  id: string;
  feed_id: string | null;
  version: number;
  content_hash: string;
  json: string;
  created_at: string;
  updated_at: string;
}

export function toStoredArticle(row: ArticleRow | null | undefined): StoredArticle | null {
  if (!row) return null;
  return {
    article: JSON.parse(row.json) as Article,
    version: row.version,
    contentHash: row.content_hash,
    feedId: row.feed_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface DeliveryRow {
  article_id: string;
  version: number;
  destination_id: string;
  state: DeliveryState;
  attempts: number;
  last_error: string | null;
  permanent_failure: Flag;
  platform_message_id: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export function toDelivery(row: DeliveryRow): Delivery {
  return {
    articleId: row.article_id,
    version: row.version,
    destinationId: row.destination_id,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    permanentFailure: flag(row.permanent_failure),
    platformMessageId: row.platform_message_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

export interface AttemptRow {
  article_id: string;
  version: number;
  destination_id: string;
  at: string;
  outcome: AttemptOutcome;
  status: number | null;
  code: string | null;
  retry_after_ms: number | null;
  message_id: string | null;
  error: string | null;
}

export function toDeliveryAttempt(row: AttemptRow): DeliveryAttempt {
  return {
    articleId: row.article_id,
    version: row.version,
    destinationId: row.destination_id,
    at: row.at,
    outcome: row.outcome,
    status: row.status,
    code: row.code,
    retryAfterMs: row.retry_after_ms,
    messageId: row.message_id,
    error: row.error,
  };
}

export interface AlertRow {
  key: string;
  state: AlertState;
  reason: string;
  opened_at: string;
  last_notified_at: string;
  closed_at: string | null;
}

export function toAlert(row: AlertRow): AlertRecord {
  return {
    key: row.key,
    state: row.state,
    reason: row.reason,
    openedAt: row.opened_at,
    lastNotifiedAt: row.last_notified_at,
    closedAt: row.closed_at,
  };
}

/** An openAlert upsert's returned row as a transition: the opening sets both times to the same instant, a repeat only the second. */
export function toAlertTransition(row: AlertRow): AlertTransition {
  return { kind: row.opened_at === row.last_notified_at ? "opened" : "repeated", alert: toAlert(row) };
}

export interface FeedRow {
  id: string;
  type: string;
  config: Json<Record<string, unknown>>;
  destination_ids: Json<string[]>;
  paused: Flag;
  first_run_done_at: string | null;
  etag: string | null;
  last_modified: string | null;
  last_polled_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export function toFeed(row: FeedRow): FeedRecord {
  return {
    id: row.id,
    type: row.type,
    config: json(row.config),
    destinationIds: json(row.destination_ids),
    paused: flag(row.paused),
    firstRunDoneAt: row.first_run_done_at,
    etag: row.etag,
    lastModified: row.last_modified,
    lastPolledAt: row.last_polled_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface DestinationRow {
  id: string;
  type: string;
  config: Json<Record<string, unknown>>;
  flagged_reason: string | null;
  flagged_at: string | null;
  created_at: string;
  updated_at: string;
}

export function toDestination(row: DestinationRow): DestinationRecord {
  return {
    id: row.id,
    type: row.type,
    config: json(row.config),
    flaggedReason: row.flagged_reason,
    flaggedAt: row.flagged_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

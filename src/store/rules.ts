/**
 * Rules every backend applies around its SQL: what article is malformed,
 * when changed content is not a newer version, which delivery transitions
 * are refused, how stored error text is made safe. Kept apart from the SQL
 * so both backends refuse and explain in the same words.
 */
import type { Article } from "../article/types.ts";
import { redactSecrets } from "../net/redact.ts";
import {
  type AttemptOutcome,
  DEFAULT_SEARCH_LIMIT,
  type DeliveryAttemptInput,
  type DeliveryState,
  MAX_SEARCH_LIMIT,
  type StaleArticle,
} from "./contract.ts";
import { isForeignKeyViolation, StoreError } from "./errors.ts";

/** Rejects what would corrupt the index or the version history; the parser guarantees the rest. */
export function checkArticle(article: Article): void {
  if (typeof article !== "object" || article === null) throw new StoreError("article must be an object");
  const what = `article ${typeof article.id === "string" ? JSON.stringify(article.id) : "(no id)"}`;
  if (typeof article.id !== "string" || article.id.trim() === "")
    throw new StoreError(`${what}: id must be a non-empty string`);
  if (typeof article.title !== "string") throw new StoreError(`${what}: title must be a string`);
  if (typeof article.text !== "string" || typeof article.excerpt !== "string") {
    throw new StoreError(`${what}: text and excerpt must be strings`);
  }
  if (article.date !== null && Number.isNaN(Date.parse(article.date))) {
    throw new StoreError(`${what}: date ${JSON.stringify(article.date)} is not an ISO 8601 instant`);
  }
  if (!Array.isArray(article.body) || !Array.isArray(article.tables)) {
    throw new StoreError(`${what}: body and tables must be arrays`);
  }
}

/** The stored latest version, as far as {@link staleAgainst} needs it. */
export interface LatestVersion {
  version: number;
  /** The latest version's article date (ISO 8601) or null. */
  date: string | null;
}

/**
 * Why `article` is not newer than `latest`, or null when it is: it repeats
 * an earlier version word for word (`replayOf`, that version's number, or
 * null), or it is dated before the latest version.
 */
export function staleAgainst(latest: LatestVersion, article: Article, replayOf: number | null): StaleArticle | null {
  if (replayOf !== null) {
    return { kind: "replay", reason: `same content as version ${replayOf}; the latest is version ${latest.version}` };
  }
  if (article.date !== null && latest.date !== null && Date.parse(article.date) < Date.parse(latest.date)) {
    return { kind: "older", reason: `dated ${article.date}, before version ${latest.version} dated ${latest.date}` };
  }
  return null;
}

/** Checks a list limit, naming the operation and the allowed range when it is wrong. */
export function checkLimit(operation: string, limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new StoreError(`${operation} limit must be a whole number from 1 to ${max}, got ${String(limit)}`);
  }
  return limit;
}

/** A search's result limit: the default when not given, else checked against 1–{@link MAX_SEARCH_LIMIT}. */
export function checkSearchLimit(limit: number | undefined): number {
  return limit === undefined ? DEFAULT_SEARCH_LIMIT : checkLimit("search", limit, MAX_SEARCH_LIMIT);
}

/** Longest error text kept on a delivery or a feed, in UTF-16 units. */
export const MAX_ERROR_LENGTH = 2000;

/** Identifies one delivery: an article version at a destination. */
export interface DeliveryKey {
  articleId: string;
  version: number;
  destinationId: string;
}

/** What a delivery transition needs to know about the row it changes. */
export interface DeliveryFacts {
  state: DeliveryState;
  permanentFailure: boolean;
  lastError: string | null;
}

export function describeDelivery(key: DeliveryKey): string {
  return `delivery of article ${key.articleId} v${key.version} to ${key.destinationId}`;
}

export function deliveryNotRecorded(key: DeliveryKey): StoreError {
  return new StoreError(`${describeDelivery(key)} is not recorded; call recordDeliveryPending first`);
}

/** What to throw when recording a delivery failed: a foreign key violation means its article version or destination is missing. */
export function recordDeliveryError(key: DeliveryKey, error: unknown): unknown {
  if (!isForeignKeyViolation(error)) return error;
  return new StoreError(
    `${describeDelivery(key)}: article version or destination is not stored; store the article and the destination first`,
    { cause: error },
  );
}

/** The error for a batch of deliveries one of whose destinations (or the article version) is not stored. */
export function recordDeliveriesError(articleId: string, version: number, count: number, error: unknown): unknown {
  if (!isForeignKeyViolation(error)) return error;
  return new StoreError(
    `deliveries of article ${articleId} v${version} to ${count} destinations: the article version or one of the destinations is not stored; store them first`,
    { cause: error },
  );
}

/** Why a send must not start, or null when it may (pending, failed for now, or sending again after a crash). */
export function refuseSending(key: DeliveryKey, row: DeliveryFacts): StoreError | null {
  if (row.state === "delivered")
    return new StoreError(`${describeDelivery(key)} is already delivered; not sending it again`);
  if (row.state === "failed" && row.permanentFailure) {
    return new StoreError(
      `${describeDelivery(key)} failed permanently (${row.lastError ?? "no reason"}); not retrying`,
    );
  }
  return null;
}

/** Why a delivery cannot be marked failed, or null when it can. */
export function refuseFailing(key: DeliveryKey, row: DeliveryFacts): StoreError | null {
  if (row.state === "delivered")
    return new StoreError(`${describeDelivery(key)} is already delivered; cannot mark it failed`);
  return null;
}

/** A delivery's failure reason as it is kept: redacted (reasons quote remote answers) and cut to {@link MAX_ERROR_LENGTH}. */
export function deliveryErrorText(error: string): string {
  const safe = redactSecrets(error);
  return safe.length > MAX_ERROR_LENGTH ? `${safe.slice(0, MAX_ERROR_LENGTH - 1)}…` : safe;
}

/** A feed's poll error as it is kept: callers pass remote text (fetch errors), shown later in /feeds list. */
export function feedErrorText(error: string | null): string | null {
  return error === null ? null : redactSecrets(error).slice(0, MAX_ERROR_LENGTH);
}

const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = ["delivered", "failed", "rate_limited", "retrying"];

/** An attempt's columns as both backends write them, in this order. */
export type AttemptValues = [
  articleId: string,
  version: number,
  destinationId: string,
  at: string,
  outcome: AttemptOutcome,
  status: number | null,
  code: string | null,
  retryAfterMs: number | null,
  messageId: string | null,
  error: string | null,
];

/**
 * Checks an attempt and gives the values to store: the time as a UTC ISO
 * string (so attempts sort as text, like every other timestamp), the error
 * made safe exactly as a delivery's failure reason is.
 */
export function attemptValues(input: DeliveryAttemptInput, now: string): AttemptValues {
  const what = `attempt of ${describeDelivery(input)}`;
  if (!ATTEMPT_OUTCOMES.includes(input.outcome)) {
    throw new StoreError(
      `${what}: outcome must be one of ${ATTEMPT_OUTCOMES.join(", ")}, got ${JSON.stringify(input.outcome)}`,
    );
  }
  const at = input.at ?? now;
  if (Number.isNaN(Date.parse(at)))
    throw new StoreError(`${what}: at ${JSON.stringify(at)} is not an ISO 8601 instant`);
  const whole = (name: string, value: number | undefined) => {
    if (value === undefined) return null;
    if (!Number.isFinite(value) || value < 0)
      throw new StoreError(`${what}: ${name} must be a number ≥ 0, got ${String(value)}`);
    // Both backends keep 32-bit integers; a wait longer than 24 days is "very long" either way.
    return Math.min(Math.round(value), 2 ** 31 - 1);
  };
  return [
    input.articleId,
    input.version,
    input.destinationId,
    new Date(at).toISOString(),
    input.outcome,
    whole("status", input.status),
    input.code ?? null,
    whole("retryAfterMs", input.retryAfterMs),
    input.messageId ?? null,
    input.error === undefined ? null : deliveryErrorText(input.error),
  ];
}

/** A foreign-key failure while recording an attempt means the delivery itself is not recorded. */
export function recordAttemptError(key: DeliveryKey, error: unknown): unknown {
  return isForeignKeyViolation(error) ? deliveryNotRecorded(key) : error;
}

/** An alert's reason as it is kept and shown: redacted (reasons quote remote answers) and cut to {@link MAX_ERROR_LENGTH}. */
export function alertReasonText(reason: string): string {
  const text = redactSecrets(reason).slice(0, MAX_ERROR_LENGTH);
  return text.trim() === "" ? "no reason given" : text;
}

/** Alert keys are short printable names such as `feed:hn`; anything else is a caller's bug. */
export function checkAlertKey(key: string): string {
  if (typeof key !== "string" || !/^[\x21-\x7e]{1,512}$/.test(key))
    throw new StoreError(`alert key must be 1–512 printable characters without spaces, got ${JSON.stringify(key)}`);
  return key;
}

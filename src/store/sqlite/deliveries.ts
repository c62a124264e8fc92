import type Database from "better-sqlite3";
import { redactSecrets } from "../../net/redact.ts";
import type { Delivery, DeliveryState, DeliveryStore, Synchronous } from "../contract.ts";
import { isForeignKeyViolation, StoreError } from "../errors.ts";
import { nowIso } from "../time.ts";

interface DeliveryRow {
  article_id: string;
  version: number;
  destination_id: string;
  state: DeliveryState;
  attempts: number;
  last_error: string | null;
  permanent_failure: number;
  platform_message_id: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

const MAX_ERROR_LENGTH = 2000;
const KEY = "article_id = @articleId AND version = @version AND destination_id = @destinationId";

type Key = { articleId: string; version: number; destinationId: string };

export function createDeliveryStore(db: Database.Database): Synchronous<DeliveryStore> {
  const get = db.prepare<Key, DeliveryRow>(`SELECT * FROM deliveries WHERE ${KEY}`);
  const insert = db.prepare<Key & { now: string }>(`
    INSERT INTO deliveries (article_id, version, destination_id, created_at, updated_at)
    VALUES (@articleId, @version, @destinationId, @now, @now)
    ON CONFLICT (article_id, version, destination_id) DO NOTHING`);
  const toSending = db.prepare<Key & { now: string }>(
    `UPDATE deliveries SET state = 'sending', updated_at = @now WHERE ${KEY}`,
  );
  const toDelivered = db.prepare<Key & { now: string; messageId: string | null }>(`
    UPDATE deliveries SET state = 'delivered', platform_message_id = @messageId, permanent_failure = 0,
      delivered_at = @now, updated_at = @now WHERE ${KEY}`);
  const toFailed = db.prepare<Key & { now: string; error: string; permanent: number }>(`
    UPDATE deliveries SET state = 'failed', last_error = @error, permanent_failure = @permanent, updated_at = @now
    WHERE ${KEY}`);
  const bump = db.prepare<Key & { now: string }, { attempts: number }>(
    `UPDATE deliveries SET attempts = attempts + 1, updated_at = @now WHERE ${KEY} RETURNING attempts`,
  );
  const latestDelivered = db.prepare<{ articleId: string; destinationId: string }, DeliveryRow>(`
    SELECT * FROM deliveries WHERE article_id = @articleId AND destination_id = @destinationId AND state = 'delivered'
    ORDER BY version DESC LIMIT 1`);
  const recent = db.prepare<[number], DeliveryRow>(
    "SELECT * FROM deliveries ORDER BY updated_at DESC, rowid DESC LIMIT ?",
  );
  // Ordered by a unique key, so a page can continue strictly after the previous page's last row.
  const unfinished = db.prepare<{ before: string | null; limit: number; afterAt: string | null; afterArticle: string; afterVersion: number; afterDestination: string }, DeliveryRow>(`
    SELECT * FROM deliveries WHERE state IN ('pending', 'sending') AND (@before IS NULL OR updated_at < @before)
      AND (@afterAt IS NULL OR (updated_at, article_id, version, destination_id) > (@afterAt, @afterArticle, @afterVersion, @afterDestination))
    ORDER BY updated_at, article_id, version, destination_id LIMIT @limit`);
  const counts = db.prepare<[], { state: DeliveryState; n: number }>(
    "SELECT state, count(*) AS n FROM deliveries GROUP BY state",
  );

  const describe = (key: Key) => `delivery of article ${key.articleId} v${key.version} to ${key.destinationId}`;
  const mustGet = (key: Key): DeliveryRow => {
    const row = get.get(key);
    if (!row) throw new StoreError(`${describe(key)} is not recorded; call recordDeliveryPending first`);
    return row;
  };
  const keyOf = (articleId: string, version: number, destinationId: string): Key => ({
    articleId,
    version,
    destinationId,
  });

  const markSending = db.transaction((key: Key) => {
    const row = mustGet(key);
    if (row.state === "delivered") throw new StoreError(`${describe(key)} is already delivered; not sending it again`);
    if (row.state === "failed" && row.permanent_failure === 1) {
      throw new StoreError(`${describe(key)} failed permanently (${row.last_error ?? "no reason"}); not retrying`);
    }
    toSending.run({ ...key, now: nowIso() });
    return toDelivery(get.get(key)!);
  });
  const markDelivered = db.transaction((key: Key, messageId: string | null) => {
    mustGet(key);
    toDelivered.run({ ...key, messageId, now: nowIso() });
    return toDelivery(get.get(key)!);
  });
  const markFailed = db.transaction((key: Key, error: string, permanent: boolean) => {
    const row = mustGet(key);
    if (row.state === "delivered") throw new StoreError(`${describe(key)} is already delivered; cannot mark it failed`);
    // Reasons quote remote answers; whatever a mapper missed is redacted before it is kept and shown.
    const safe = redactSecrets(error);
    const message = safe.length > MAX_ERROR_LENGTH ? `${safe.slice(0, MAX_ERROR_LENGTH - 1)}…` : safe;
    toFailed.run({ ...key, error: message, permanent: permanent ? 1 : 0, now: nowIso() });
    return toDelivery(get.get(key)!);
  });

  return {
    recordDeliveryPending(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      try {
        insert.run({ ...key, now: nowIso() });
      } catch (error) {
        if (isForeignKeyViolation(error)) {
          throw new StoreError(
            `${describe(key)}: article version or destination is not stored; store the article and the destination first`,
            { cause: error },
          );
        }
        throw error;
      }
      return toDelivery(get.get(key)!);
    },
    // IMMEDIATE: these read then write. A deferred transaction that reads first cannot wait for another
    // process's writer (SQLITE_BUSY_SNAPSHOT at once, whatever the busy timeout); an immediate one waits.
    markSending: (articleId, version, destinationId) => markSending.immediate(keyOf(articleId, version, destinationId)),
    markDelivered: (articleId, version, destinationId, platformMessageId) =>
      markDelivered.immediate(keyOf(articleId, version, destinationId), platformMessageId),
    markFailed: (articleId, version, destinationId, error, permanent) =>
      markFailed.immediate(keyOf(articleId, version, destinationId), error, permanent),
    incrementAttempts(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      const row = bump.get({ ...key, now: nowIso() });
      if (!row) throw new StoreError(`${describe(key)} is not recorded; call recordDeliveryPending first`);
      return row.attempts;
    },
    getDelivery(articleId, version, destinationId) {
      const row = get.get(keyOf(articleId, version, destinationId));
      return row ? toDelivery(row) : null;
    },
    latestDelivered(articleId, destinationId) {
      const row = latestDelivered.get({ articleId, destinationId });
      return row ? toDelivery(row) : null;
    },
    listRecentDeliveries(limit) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new StoreError(`listRecentDeliveries limit must be a whole number from 1 to 1000, got ${String(limit)}`);
      }
      return recent.all(limit).map(toDelivery);
    },
    countByState() {
      const result: Record<DeliveryState, number> = { pending: 0, sending: 0, delivered: 0, failed: 0 };
      for (const { state, n } of counts.all()) result[state] = n;
      return result;
    },
    listUnfinishedDeliveries({ updatedBefore, after, limit }) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        throw new StoreError(`listUnfinishedDeliveries limit must be a whole number from 1 to 10000, got ${String(limit)}`);
      }
      const cursor = { afterAt: after?.updatedAt ?? null, afterArticle: after?.articleId ?? "", afterVersion: after?.version ?? 0, afterDestination: after?.destinationId ?? "" };
      return unfinished.all({ before: updatedBefore ?? null, limit, ...cursor }).map(toDelivery);
    },
  };
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    articleId: row.article_id,
    version: row.version,
    destinationId: row.destination_id,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    permanentFailure: row.permanent_failure === 1,
    platformMessageId: row.platform_message_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

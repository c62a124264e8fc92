import type Database from "better-sqlite3";
import type { DeliveryState, DeliveryStore, Synchronous } from "../contract.ts";
import { type DeliveryRow, toDelivery } from "../rows.ts";
import {
  checkLimit,
  deliveryErrorText,
  deliveryNotRecorded,
  recordDeliveriesError,
  recordDeliveryError,
  refuseFailing,
  refuseSending,
} from "../rules.ts";
import { nowIso } from "../time.ts";

const KEY = "article_id = @articleId AND version = @version AND destination_id = @destinationId";

type Key = { articleId: string; version: number; destinationId: string };

export function createDeliveryStore(db: Database.Database): Synchronous<DeliveryStore> {
  const get = db.prepare<Key, DeliveryRow>(`SELECT * FROM deliveries WHERE ${KEY}`);
  const insert = db.prepare<Key & { now: string }>(`
    INSERT INTO deliveries (article_id, version, destination_id, created_at, updated_at)
    VALUES (@articleId, @version, @destinationId, @now, @now)
    ON CONFLICT (article_id, version, destination_id) DO NOTHING`);
  const toSending = db.prepare<Key & { now: string }>(
    `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = @now WHERE ${KEY}`,
  );
  const toDelivered = db.prepare<Key & { now: string; messageId: string | null }>(`
    UPDATE deliveries SET state = 'delivered', platform_message_id = @messageId, permanent_failure = 0,
      delivered_at = @now, updated_at = @now WHERE ${KEY}`);
  const toFailed = db.prepare<Key & { now: string; error: string; permanent: number }>(`
    UPDATE deliveries SET state = 'failed', last_error = @error, permanent_failure = @permanent, updated_at = @now
    WHERE ${KEY}`);
  const reopen = db.prepare<Key & { now: string }, DeliveryRow>(`
    UPDATE deliveries SET state = 'pending', permanent_failure = 0, updated_at = @now
    WHERE ${KEY} AND state = 'failed' AND permanent_failure = 1 RETURNING *`);
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
  const unfinished = db.prepare<
    {
      before: string | null;
      limit: number;
      afterAt: string | null;
      afterArticle: string;
      afterVersion: number;
      afterDestination: string;
    },
    DeliveryRow
  >(`
    SELECT * FROM deliveries WHERE state IN ('pending', 'sending') AND (@before IS NULL OR updated_at < @before)
      AND (@afterAt IS NULL OR (updated_at, article_id, version, destination_id) > (@afterAt, @afterArticle, @afterVersion, @afterDestination))
    ORDER BY updated_at, article_id, version, destination_id LIMIT @limit`);
  const counts = db.prepare<[], { state: DeliveryState; n: number }>(
    "SELECT state, count(*) AS n FROM deliveries GROUP BY state",
  );

  const mustGet = (key: Key): DeliveryRow => {
    const row = get.get(key);
    if (!row) throw deliveryNotRecorded(key);
    return row;
  };
  const keyOf = (articleId: string, version: number, destinationId: string): Key => ({
    articleId,
    version,
    destinationId,
  });

  const recordMany = db.transaction((articleId: string, version: number, destinationIds: string[]) => {
    const now = nowIso();
    try {
      for (const destinationId of destinationIds) insert.run({ articleId, version, destinationId, now });
    } catch (error) {
      throw recordDeliveriesError(articleId, version, destinationIds.length, error);
    }
    return destinationIds.map((destinationId) => toDelivery(get.get({ articleId, version, destinationId })!));
  });
  const markSending = db.transaction((key: Key) => {
    const refusal = refuseSending(key, toDelivery(mustGet(key)));
    if (refusal) throw refusal;
    toSending.run({ ...key, now: nowIso() });
    return toDelivery(get.get(key)!);
  });
  const markDelivered = db.transaction((key: Key, messageId: string | null) => {
    mustGet(key);
    toDelivered.run({ ...key, messageId, now: nowIso() });
    return toDelivery(get.get(key)!);
  });
  const markFailed = db.transaction((key: Key, error: string, permanent: boolean) => {
    const refusal = refuseFailing(key, toDelivery(mustGet(key)));
    if (refusal) throw refusal;
    // Reasons quote remote answers; whatever a mapper missed is redacted before it is kept and shown.
    toFailed.run({ ...key, error: deliveryErrorText(error), permanent: permanent ? 1 : 0, now: nowIso() });
    return toDelivery(get.get(key)!);
  });

  return {
    recordDeliveriesPending: (articleId, version, destinationIds) =>
      recordMany.immediate(articleId, version, [...new Set(destinationIds)]),
    recordDeliveryPending(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      try {
        insert.run({ ...key, now: nowIso() });
      } catch (error) {
        throw recordDeliveryError(key, error);
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
    reopenFailedDelivery(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      const row = reopen.get({ ...key, now: nowIso() });
      if (row) return toDelivery(row);
      mustGet(key);
      return null;
    },
    incrementAttempts(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      const row = bump.get({ ...key, now: nowIso() });
      if (!row) throw deliveryNotRecorded(key);
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
      return recent.all(checkLimit("listRecentDeliveries", limit, 1000)).map(toDelivery);
    },
    countByState() {
      const result: Record<DeliveryState, number> = { pending: 0, sending: 0, delivered: 0, failed: 0 };
      for (const { state, n } of counts.all()) result[state] = n;
      return result;
    },
    listUnfinishedDeliveries({ updatedBefore, after, limit }) {
      checkLimit("listUnfinishedDeliveries", limit, 10_000);
      const cursor = {
        afterAt: after?.updatedAt ?? null,
        afterArticle: after?.articleId ?? "",
        afterVersion: after?.version ?? 0,
        afterDestination: after?.destinationId ?? "",
      };
      return unfinished.all({ before: updatedBefore ?? null, limit, ...cursor }).map(toDelivery);
    },
  };
}

import type pg from "pg";
import type { Delivery, DeliveryState, DeliveryStore } from "../contract.ts";
import { type DeliveryRow, toDelivery } from "../rows.ts";
import {
  checkLimit,
  type DeliveryKey,
  deliveryErrorText,
  deliveryNotRecorded,
  recordDeliveryError,
  refuseFailing,
  refuseSending,
} from "../rules.ts";
import { nowIso } from "../time.ts";
import { type Queryable, statement, transaction } from "./pool.ts";

const COLUMNS = `article_id, version, destination_id, state, attempts, last_error, permanent_failure,
  platform_message_id, created_at, updated_at, delivered_at`;
// Every keyed statement takes the key as $1–$3.
const KEY = "article_id = $1 AND version = $2 AND destination_id = $3";

const get = statement<DeliveryRow>("deliveries.get", `SELECT ${COLUMNS} FROM deliveries WHERE ${KEY}`);
const getForUpdate = statement<DeliveryRow>("deliveries.get-for-update", `SELECT ${COLUMNS} FROM deliveries WHERE ${KEY} FOR UPDATE`);
// Usually one round trip: the new row, or the one already there. The SELECT sees the table as the statement
// began, so a row another transaction inserted meanwhile (the INSERT waited for it) is read again afterwards.
const insert = statement<DeliveryRow>(
  "deliveries.insert",
  `WITH inserted AS (
     INSERT INTO deliveries (article_id, version, destination_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (article_id, version, destination_id) DO NOTHING RETURNING ${COLUMNS})
   SELECT * FROM inserted UNION ALL SELECT ${COLUMNS} FROM deliveries WHERE ${KEY} AND NOT EXISTS (SELECT 1 FROM inserted)`,
);
const toSending = statement<DeliveryRow>(
  "deliveries.to-sending",
  `UPDATE deliveries SET state = 'sending', updated_at = $4 WHERE ${KEY} RETURNING ${COLUMNS}`,
);
const toDelivered = statement<DeliveryRow>(
  "deliveries.to-delivered",
  `UPDATE deliveries SET state = 'delivered', platform_message_id = $5, permanent_failure = false, delivered_at = $4, updated_at = $4
   WHERE ${KEY} RETURNING ${COLUMNS}`,
);
const toFailed = statement<DeliveryRow>(
  "deliveries.to-failed",
  `UPDATE deliveries SET state = 'failed', last_error = $5, permanent_failure = $6, updated_at = $4 WHERE ${KEY} RETURNING ${COLUMNS}`,
);
const bump = statement<{ attempts: number }>(
  "deliveries.bump",
  `UPDATE deliveries SET attempts = attempts + 1, updated_at = $4 WHERE ${KEY} RETURNING attempts`,
);
const latestDelivered = statement<DeliveryRow>(
  "deliveries.latest-delivered",
  `SELECT ${COLUMNS} FROM deliveries WHERE article_id = $1 AND destination_id = $2 AND state = 'delivered'
   ORDER BY version DESC LIMIT 1`,
);
const recent = statement<DeliveryRow>(
  "deliveries.recent",
  `SELECT ${COLUMNS} FROM deliveries ORDER BY updated_at DESC, seq DESC LIMIT $1`,
);
const unfinished = statement<DeliveryRow>(
  "deliveries.unfinished",
  `SELECT ${COLUMNS} FROM deliveries WHERE state IN ('pending', 'sending') AND ($1::text IS NULL OR updated_at < $1)
   ORDER BY updated_at, seq LIMIT $2`,
);
const counts = statement<{ state: DeliveryState; n: number }>(
  "deliveries.counts",
  "SELECT state, count(*)::int AS n FROM deliveries GROUP BY state",
);

const keyValues = (key: DeliveryKey) => [key.articleId, key.version, key.destinationId];

/** The row under a FOR UPDATE lock, so the check and the change below it see and make one state. */
async function lockRow(client: Queryable, key: DeliveryKey): Promise<Delivery> {
  const row = await getForUpdate.first(client, keyValues(key));
  if (!row) throw deliveryNotRecorded(key);
  return toDelivery(row);
}

export function createDeliveryStore(pool: pg.Pool): DeliveryStore {
  const keyOf = (articleId: string, version: number, destinationId: string): DeliveryKey => ({
    articleId,
    version,
    destinationId,
  });
  /** A single-statement change: the row it returns, or "not recorded". */
  const changed = (key: DeliveryKey, row: DeliveryRow | null): Delivery => {
    if (!row) throw deliveryNotRecorded(key);
    return toDelivery(row);
  };

  return {
    async recordDeliveryPending(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      try {
        const row = (await insert.first(pool, [...keyValues(key), nowIso()])) ?? (await get.first(pool, keyValues(key)));
        return changed(key, row);
      } catch (error) {
        throw recordDeliveryError(key, error);
      }
    },
    markSending: (articleId, version, destinationId) =>
      transaction(pool, async (client) => {
        const key = keyOf(articleId, version, destinationId);
        const refusal = refuseSending(key, await lockRow(client, key));
        if (refusal) throw refusal;
        return changed(key, await toSending.first(client, [...keyValues(key), nowIso()]));
      }),
    async markDelivered(articleId, version, destinationId, platformMessageId) {
      const key = keyOf(articleId, version, destinationId);
      return changed(key, await toDelivered.first(pool, [...keyValues(key), nowIso(), platformMessageId]));
    },
    markFailed: (articleId, version, destinationId, error, permanent) =>
      transaction(pool, async (client) => {
        const key = keyOf(articleId, version, destinationId);
        const refusal = refuseFailing(key, await lockRow(client, key));
        if (refusal) throw refusal;
        return changed(key, await toFailed.first(client, [...keyValues(key), nowIso(), deliveryErrorText(error), permanent]));
      }),
    async incrementAttempts(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      const row = await bump.first(pool, [...keyValues(key), nowIso()]);
      if (!row) throw deliveryNotRecorded(key);
      return row.attempts;
    },
    async getDelivery(articleId, version, destinationId) {
      const row = await get.first(pool, [articleId, version, destinationId]);
      return row ? toDelivery(row) : null;
    },
    async latestDelivered(articleId, destinationId) {
      const row = await latestDelivered.first(pool, [articleId, destinationId]);
      return row ? toDelivery(row) : null;
    },
    listRecentDeliveries: async (limit) =>
      (await recent.rows(pool, [checkLimit("listRecentDeliveries", limit, 1000)])).map(toDelivery),
    async countByState() {
      const result: Record<DeliveryState, number> = { pending: 0, sending: 0, delivered: 0, failed: 0 };
      for (const { state, n } of await counts.rows(pool, [])) result[state] = n;
      return result;
    },
    async listUnfinishedDeliveries({ updatedBefore, limit }) {
      checkLimit("listUnfinishedDeliveries", limit, 10_000);
      return (await unfinished.rows(pool, [updatedBefore ?? null, limit])).map(toDelivery);
    },
  };
}

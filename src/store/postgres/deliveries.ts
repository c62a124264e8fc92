import type pg from "pg";
import type { Delivery, DeliveryState, DeliveryStore } from "../contract.ts";
import { StoreError } from "../errors.ts";
import { type DeliveryRow, toDelivery } from "../rows.ts";
import {
  checkLimit,
  type DeliveryKey,
  deliveryErrorText,
  deliveryNotRecorded,
  describeDelivery,
  recordDeliveriesError,
  recordDeliveryError,
  refuseFailing,
  refuseSending,
} from "../rules.ts";
import { nowIso } from "../time.ts";
import { batched, readCallKey } from "./batch.ts";
import { statement } from "./pool.ts";

const COLUMNS = `article_id, version, destination_id, state, attempts, last_error, permanent_failure,
  platform_message_id, created_at, updated_at, delivered_at`;
// Every keyed statement takes the key as $1–$3.
const KEY = "article_id = $1 AND version = $2 AND destination_id = $3";

const get = statement<DeliveryRow>("deliveries.get", `SELECT ${COLUMNS} FROM deliveries WHERE ${KEY}`);
// Usually one round trip: the new row, or the one already there. The SELECT sees the table as the statement
// began, so a row another transaction inserted meanwhile (the INSERT waited for it) is read again afterwards.
const insert = statement<DeliveryRow>(
  "deliveries.insert",
  `WITH inserted AS (
     INSERT INTO deliveries (article_id, version, destination_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (article_id, version, destination_id) DO NOTHING RETURNING ${COLUMNS})
   SELECT * FROM inserted UNION ALL SELECT ${COLUMNS} FROM deliveries WHERE ${KEY} AND NOT EXISTS (SELECT 1 FROM inserted)`,
);
// A fan-out's rows in one statement each; the read is a second statement so it also sees rows another
// transaction inserted while this INSERT waited for them.
const insertMany = statement(
  "deliveries.insert-many",
  `INSERT INTO deliveries (article_id, version, destination_id, created_at, updated_at)
   SELECT $1, $2, destination_id, $4, $4 FROM unnest($3::text[]) AS wanted(destination_id)
   ON CONFLICT (article_id, version, destination_id) DO NOTHING`,
);
const getMany = statement<DeliveryRow>(
  "deliveries.get-many",
  `SELECT ${COLUMNS} FROM deliveries WHERE article_id = $1 AND version = $2 AND destination_id = ANY($3::text[])`,
);
// Transitions are conditional UPDATEs: PostgreSQL re-checks the WHERE against the newest row when a concurrent
// writer commits first, so check and change are one atomic step. The conditions are rules.ts's refusals in SQL.
const toSending = statement<DeliveryRow>(
  "deliveries.to-sending",
  `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = $4
   WHERE ${KEY} AND state <> 'delivered' AND NOT (state = 'failed' AND permanent_failure) RETURNING ${COLUMNS}`,
);
const toDelivered = statement<DeliveryRow>(
  "deliveries.to-delivered",
  `UPDATE deliveries SET state = 'delivered', platform_message_id = $5, permanent_failure = false, delivered_at = $4, updated_at = $4
   WHERE ${KEY} RETURNING ${COLUMNS}`,
);
const toFailed = statement<DeliveryRow>(
  "deliveries.to-failed",
  `UPDATE deliveries SET state = 'failed', last_error = $5, permanent_failure = $6, updated_at = $4
   WHERE ${KEY} AND state <> 'delivered' RETURNING ${COLUMNS}`,
);
const reopen = statement<DeliveryRow>(
  "deliveries.reopen",
  `UPDATE deliveries SET state = 'pending', permanent_failure = false, updated_at = $4
   WHERE ${KEY} AND state = 'failed' AND permanent_failure RETURNING ${COLUMNS}`,
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
     AND ($3::text IS NULL OR (updated_at, article_id, version, destination_id) > ($3, $4::text, $5::int, $6::text))
   ORDER BY updated_at, article_id, version, destination_id LIMIT $2`,
);
const counts = statement<{ state: DeliveryState; n: number }>(
  "deliveries.counts",
  "SELECT state, count(*)::int AS n FROM deliveries GROUP BY state",
);

// The same statements for many keys at once (see batch.ts): the keys as three arrays $1–$3, joined on the primary key.
const KEYS = "unnest($1::text[], $2::int[], $3::text[]) AS k(article_id, version, destination_id)";
const ON_KEYS =
  "deliveries.article_id = k.article_id AND deliveries.version = k.version AND deliveries.destination_id = k.destination_id";
const OF_DELIVERIES = COLUMNS.split(",")
  .map((column) => `deliveries.${column.trim()}`)
  .join(", ");
const getBatch = statement<DeliveryRow>(
  "deliveries.get-batch",
  `SELECT ${OF_DELIVERIES} FROM deliveries JOIN ${KEYS} ON ${ON_KEYS}`,
);
const toSendingBatch = statement<DeliveryRow>(
  "deliveries.to-sending-batch",
  `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = $4 FROM ${KEYS}
   WHERE ${ON_KEYS} AND state <> 'delivered' AND NOT (state = 'failed' AND permanent_failure) RETURNING ${OF_DELIVERIES}`,
);
const toDeliveredBatch = statement<DeliveryRow>(
  "deliveries.to-delivered-batch",
  `UPDATE deliveries SET state = 'delivered', platform_message_id = k.message_id, permanent_failure = false, delivered_at = $4, updated_at = $4
   FROM unnest($1::text[], $2::int[], $3::text[], $5::text[]) AS k(article_id, version, destination_id, message_id)
   WHERE ${ON_KEYS} RETURNING ${OF_DELIVERIES}`,
);

const latestDeliveredBatch = statement<DeliveryRow>(
  "deliveries.latest-delivered-batch",
  `SELECT DISTINCT ON (deliveries.article_id, deliveries.destination_id) ${OF_DELIVERIES}
   FROM deliveries JOIN unnest($1::text[], $2::text[]) AS k(article_id, destination_id)
     ON deliveries.article_id = k.article_id AND deliveries.destination_id = k.destination_id
   WHERE deliveries.state = 'delivered'
   ORDER BY deliveries.article_id, deliveries.destination_id, deliveries.version DESC`,
);

const keyValues = (key: DeliveryKey) => [key.articleId, key.version, key.destinationId];

const keyText = (key: DeliveryKey) => `${key.version}\u0000${key.articleId}\u0000${key.destinationId}`;
const rowKeyText = (row: DeliveryRow) =>
  keyText({ articleId: row.article_id, version: row.version, destinationId: row.destination_id });
/** The keys as the batch statements' $1–$3. */
const keyArrays = (keys: readonly DeliveryKey[]) => [
  keys.map((k) => k.articleId),
  keys.map((k) => k.version),
  keys.map((k) => k.destinationId),
];
/** Each key's row among `rows`, or null: the shape a batch's callers get back. */
const rowsByKey = (keys: readonly DeliveryKey[], rows: DeliveryRow[]) => {
  const byKey = new Map(rows.map((row) => [rowKeyText(row), row]));
  return keys.map((key) => byKey.get(keyText(key)) ?? null);
};

/** How many times a refused transition is tried again when the row turned out to allow it after all. */
const TRANSITION_TRIES = 5;

/**
 * Runs a conditional transition; when it changes nothing, reads the row to
 * say why (not recorded, or `refuse`'s reason). A row that allows the
 * transition by the time it is read was changed in between: try again.
 */
async function transition(
  pool: pg.Pool,
  key: DeliveryKey,
  update: () => Promise<DeliveryRow | null>,
  refuse: (key: DeliveryKey, row: Delivery) => StoreError | null,
): Promise<Delivery> {
  for (let attempt = 1; ; attempt++) {
    const row = await update();
    if (row) return toDelivery(row);
    const current = await get.first(pool, keyValues(key));
    if (!current) throw deliveryNotRecorded(key);
    const refusal = refuse(key, toDelivery(current));
    if (refusal) throw refusal;
    if (attempt >= TRANSITION_TRIES)
      throw new StoreError(`${describeDelivery(key)} kept changing under this update; try again`);
  }
}

export function createDeliveryStore(pool: pg.Pool): DeliveryStore {
  const keyOf = (articleId: string, version: number, destinationId: string): DeliveryKey => ({
    articleId,
    version,
    destinationId,
  });
  // Deliveries running at once share one round trip per step (batch.ts); a call alone runs the single-key statement.
  const getRow = batched<DeliveryKey, DeliveryRow | null>({
    many: async (keys) => rowsByKey(keys, await getBatch.rows(pool, keyArrays(keys))),
    one: (key) => get.first(pool, keyValues(key)),
    key: keyText,
  });
  const sendingRow = batched<DeliveryKey, DeliveryRow | null>({
    many: async (keys) => rowsByKey(keys, await toSendingBatch.rows(pool, [...keyArrays(keys), nowIso()])),
    one: (key) => toSending.first(pool, [...keyValues(key), nowIso()]),
    key: keyText,
  });
  const deliveredRow = batched<{ key: DeliveryKey; messageId: string | null }, DeliveryRow | null>({
    many: async (calls) => {
      const keys = calls.map((call) => call.key);
      return rowsByKey(
        keys,
        await toDeliveredBatch.rows(pool, [...keyArrays(keys), nowIso(), calls.map((call) => call.messageId)]),
      );
    },
    one: ({ key, messageId }) => toDelivered.first(pool, [...keyValues(key), nowIso(), messageId]),
    key: (call) => keyText(call.key),
  });
  // Every delivery job asks what its destination shows of the article (story mode): one round trip per batch.
  const latestDeliveredRow = batched<{ articleId: string; destinationId: string }, DeliveryRow | null>({
    many: async (calls) => {
      const rows = await latestDeliveredBatch.rows(pool, [
        calls.map((call) => call.articleId),
        calls.map((call) => call.destinationId),
      ]);
      const byPair = new Map(rows.map((row) => [`${row.article_id}\u0000${row.destination_id}`, row]));
      return calls.map((call) => byPair.get(`${call.articleId}\u0000${call.destinationId}`) ?? null);
    },
    one: ({ articleId, destinationId }) => latestDelivered.first(pool, [articleId, destinationId]),
    key: readCallKey,
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
        const row =
          (await insert.first(pool, [...keyValues(key), nowIso()])) ?? (await get.first(pool, keyValues(key)));
        return changed(key, row);
      } catch (error) {
        throw recordDeliveryError(key, error);
      }
    },
    async recordDeliveriesPending(articleId, version, destinationIds) {
      const ids = [...new Set(destinationIds)];
      if (ids.length === 0) return [];
      try {
        await insertMany.run(pool, [articleId, version, ids, nowIso()]);
      } catch (error) {
        throw recordDeliveriesError(articleId, version, ids.length, error);
      }
      const byDestination = new Map(
        (await getMany.rows(pool, [articleId, version, ids])).map((row) => [row.destination_id, row]),
      );
      return ids.map((destinationId) =>
        changed({ articleId, version, destinationId }, byDestination.get(destinationId) ?? null),
      );
    },
    markSending(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      return transition(pool, key, () => sendingRow(key), refuseSending);
    },
    async markDelivered(articleId, version, destinationId, platformMessageId) {
      const key = keyOf(articleId, version, destinationId);
      return changed(key, await deliveredRow({ key, messageId: platformMessageId }));
    },
    markFailed(articleId, version, destinationId, error, permanent) {
      const key = keyOf(articleId, version, destinationId);
      const values = [...keyValues(key), nowIso(), deliveryErrorText(error), permanent];
      return transition(pool, key, () => toFailed.first(pool, values), refuseFailing);
    },
    async reopenFailedDelivery(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      const row = await reopen.first(pool, [...keyValues(key), nowIso()]);
      if (row) return toDelivery(row);
      if (!(await get.first(pool, keyValues(key)))) throw deliveryNotRecorded(key);
      return null;
    },
    async incrementAttempts(articleId, version, destinationId) {
      const key = keyOf(articleId, version, destinationId);
      const row = await bump.first(pool, [...keyValues(key), nowIso()]);
      if (!row) throw deliveryNotRecorded(key);
      return row.attempts;
    },
    async getDelivery(articleId, version, destinationId) {
      const row = await getRow(keyOf(articleId, version, destinationId));
      return row ? toDelivery(row) : null;
    },
    async latestDelivered(articleId, destinationId) {
      const row = await latestDeliveredRow({ articleId, destinationId });
      return row ? toDelivery(row) : null;
    },
    listRecentDeliveries: async (limit) =>
      (await recent.rows(pool, [checkLimit("listRecentDeliveries", limit, 1000)])).map(toDelivery),
    async countByState() {
      const result: Record<DeliveryState, number> = { pending: 0, sending: 0, delivered: 0, failed: 0 };
      for (const { state, n } of await counts.rows(pool, [])) result[state] = n;
      return result;
    },
    async listUnfinishedDeliveries({ updatedBefore, after, limit }) {
      checkLimit("listUnfinishedDeliveries", limit, 10_000);
      const cursor = [
        after?.updatedAt ?? null,
        after?.articleId ?? "",
        after?.version ?? 0,
        after?.destinationId ?? "",
      ];
      return (await unfinished.rows(pool, [updatedBefore ?? null, limit, ...cursor])).map(toDelivery);
    },
  };
}

import type pg from "pg";
import { type DeliveryAttemptStore, MAX_ATTEMPTS_KEPT } from "../contract.ts";
import { type AttemptRow, type DeliveryRow, toDelivery, toDeliveryAttempt } from "../rows.ts";
import { type AttemptValues, attemptValues, recordAttemptError } from "../rules.ts";
import { nowIso } from "../time.ts";
import { batched } from "./batch.ts";
import { statement } from "./pool.ts";

const COLUMNS = "article_id, version, destination_id, at, outcome, status, code, retry_after_ms, message_id, error";
const KEY = "article_id = $1 AND version = $2 AND destination_id = $3";

// One round trip: the DELETE sees the table as the statement began (without the new row), so it keeps the
// newest MAX_ATTEMPTS_KEPT - 1 earlier attempts next to the new one.
const insert = statement(
  "attempts.insert",
  `WITH inserted AS (
     INSERT INTO delivery_attempts (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq)
   DELETE FROM delivery_attempts WHERE ${KEY} AND seq <= (
     SELECT seq FROM delivery_attempts WHERE ${KEY} ORDER BY seq DESC LIMIT 1 OFFSET ${MAX_ATTEMPTS_KEPT - 1})`,
);
// Attempts of deliveries running at once, in one statement (see batch.ts), each column an array. The DELETE
// sees the earlier attempts only: of each delivery it keeps as many of the newest as leave room for its new ones.
const insertBatch = statement(
  "attempts.insert-batch",
  `WITH batch AS (
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::text[], $10::text[])
       AS b(${COLUMNS})),
   inserted AS (INSERT INTO delivery_attempts (${COLUMNS}) SELECT ${COLUMNS} FROM batch RETURNING seq),
   fresh AS (SELECT article_id, version, destination_id, count(*) AS n FROM batch GROUP BY article_id, version, destination_id),
   earlier AS (
     SELECT a.seq, fresh.n, row_number() OVER (PARTITION BY a.article_id, a.version, a.destination_id ORDER BY a.seq DESC) AS newest
     FROM delivery_attempts a JOIN fresh ON a.article_id = fresh.article_id AND a.version = fresh.version AND a.destination_id = fresh.destination_id)
   DELETE FROM delivery_attempts WHERE seq IN (SELECT seq FROM earlier WHERE newest > ${MAX_ATTEMPTS_KEPT} - n)`,
);
const deliveries = statement<DeliveryRow>(
  "attempts.article-deliveries",
  "SELECT * FROM deliveries WHERE article_id = $1 ORDER BY destination_id, version",
);
const list = statement<AttemptRow>(
  "attempts.list",
  `SELECT ${COLUMNS} FROM delivery_attempts WHERE article_id = $1 ORDER BY seq`,
);

/** The attempt history behind each delivery (one row per send, the newest {@link MAX_ATTEMPTS_KEPT} kept), and an article's deliveries. */
export function createAttemptStore(pool: pg.Pool): DeliveryAttemptStore {
  const insertRow = batched<AttemptValues, void>({
    many: async (rows) => {
      await insertBatch.run(
        pool,
        COLUMNS.split(",").map((_, column) => rows.map((row) => row[column])),
      );
      return rows.map(() => undefined);
    },
    one: async (row) => {
      await insert.run(pool, row);
    },
    // Two attempts of one delivery go in separate batches, so they keep the order they were made in.
    key: ([articleId, version, destinationId]) => `${version}\u0000${articleId}\u0000${destinationId}`,
  });
  return {
    async recordAttempt(attempt) {
      const values = attemptValues(attempt, nowIso());
      try {
        await insertRow(values);
      } catch (error) {
        throw recordAttemptError(attempt, error);
      }
    },
    listAttempts: async (articleId) => (await list.rows(pool, [articleId])).map(toDeliveryAttempt),
    listArticleDeliveries: async (articleId) => (await deliveries.rows(pool, [articleId])).map(toDelivery),
  };
}

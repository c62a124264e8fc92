import type pg from "pg";
import { type DeliveryAttemptStore, MAX_ATTEMPTS_KEPT } from "../contract.ts";
import { type AttemptRow, type DeliveryRow, toDelivery, toDeliveryAttempt } from "../rows.ts";
import { attemptValues, recordAttemptError } from "../rules.ts";
import { nowIso } from "../time.ts";
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
const deliveries = statement<DeliveryRow>(
  "attempts.article-deliveries",
  "SELECT * FROM deliveries WHERE article_id = $1 ORDER BY destination_id, version",
);
const list = statement<AttemptRow>("attempts.list", `SELECT ${COLUMNS} FROM delivery_attempts WHERE article_id = $1 ORDER BY seq`);

/** The attempt history behind each delivery (one row per send, the newest {@link MAX_ATTEMPTS_KEPT} kept), and an article's deliveries. */
export function createAttemptStore(pool: pg.Pool): DeliveryAttemptStore {
  return {
    async recordAttempt(attempt) {
      const values = attemptValues(attempt, nowIso());
      try {
        await insert.run(pool, values);
      } catch (error) {
        throw recordAttemptError(attempt, error);
      }
    },
    listAttempts: async (articleId) => (await list.rows(pool, [articleId])).map(toDeliveryAttempt),
    listArticleDeliveries: async (articleId) => (await deliveries.rows(pool, [articleId])).map(toDelivery),
  };
}

import type Database from "better-sqlite3";
import { type DeliveryAttemptStore, MAX_ATTEMPTS_KEPT, type Synchronous } from "../contract.ts";
import { type AttemptRow, type DeliveryRow, toDelivery, toDeliveryAttempt } from "../rows.ts";
import { type AttemptValues, attemptValues, recordAttemptError } from "../rules.ts";
import { nowIso } from "../time.ts";

const KEY = "article_id = ? AND version = ? AND destination_id = ?";

/** The attempt history behind each delivery (one row per send, the newest {@link MAX_ATTEMPTS_KEPT} kept), and an article's deliveries. */
export function createAttemptStore(db: Database.Database): Synchronous<DeliveryAttemptStore> {
  const insert = db.prepare<AttemptValues>(`
    INSERT INTO delivery_attempts (article_id, version, destination_id, at, outcome, status, code, retry_after_ms, message_id, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // Everything at or before the oldest attempt that no longer fits; nothing while fewer are kept.
  const prune = db.prepare<[string, number, string, string, number, string]>(`
    DELETE FROM delivery_attempts WHERE ${KEY} AND seq <= (
      SELECT seq FROM delivery_attempts WHERE ${KEY} ORDER BY seq DESC LIMIT 1 OFFSET ${MAX_ATTEMPTS_KEPT})`);
  const list = db.prepare<[string], AttemptRow>("SELECT * FROM delivery_attempts WHERE article_id = ? ORDER BY seq");
  const deliveries = db.prepare<[string], DeliveryRow>(
    "SELECT * FROM deliveries WHERE article_id = ? ORDER BY destination_id, version",
  );

  const record = db.transaction((values: AttemptValues) => {
    const [articleId, version, destinationId] = values;
    try {
      insert.run(...values);
    } catch (error) {
      throw recordAttemptError({ articleId, version, destinationId }, error);
    }
    prune.run(articleId, version, destinationId, articleId, version, destinationId);
  });

  return {
    recordAttempt: (attempt) => record.immediate(attemptValues(attempt, nowIso())),
    listAttempts: (articleId) => list.all(articleId).map(toDeliveryAttempt),
    listArticleDeliveries: (articleId) => deliveries.all(articleId).map(toDelivery),
  };
}

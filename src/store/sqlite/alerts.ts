import type Database from "better-sqlite3";
import type { AlertStore, Synchronous } from "../contract.ts";
import { type AlertRow, toAlert, toAlertTransition } from "../rows.ts";
import { alertReasonText, checkAlertKey } from "../rules.ts";
import { nowIso } from "../time.ts";

export function createAlertStore(db: Database.Database): Synchronous<AlertStore> {
  // One statement: the row lock SQLite's writer holds makes check and change one step across processes.
  const open = db.prepare<{ key: string; reason: string; at: string; repeatBefore: string }, AlertRow>(`
    INSERT INTO alerts (key, state, reason, opened_at, last_notified_at) VALUES (@key, 'open', @reason, @at, @at)
    ON CONFLICT (key) DO UPDATE SET
      reason = CASE WHEN state = 'closed' THEN excluded.reason ELSE reason END,
      opened_at = CASE WHEN state = 'closed' THEN excluded.opened_at ELSE opened_at END,
      state = 'open', last_notified_at = excluded.last_notified_at, closed_at = NULL
    WHERE state = 'closed' OR last_notified_at < @repeatBefore
    RETURNING *`);
  const close = db.prepare<{ key: string; at: string }, AlertRow>(
    "UPDATE alerts SET state = 'closed', closed_at = @at WHERE key = @key AND state = 'open' RETURNING *",
  );
  const get = db.prepare<[string], AlertRow>("SELECT * FROM alerts WHERE key = ?");
  const listOpen = db.prepare<{ prefix: string }, AlertRow>(
    "SELECT * FROM alerts WHERE state = 'open' AND substr(key, 1, length(@prefix)) = @prefix ORDER BY key",
  );

  return {
    openAlert(key, reason, { repeatBefore, at = nowIso() }) {
      const row = open.get({ key: checkAlertKey(key), reason: alertReasonText(reason), at, repeatBefore });
      return row ? toAlertTransition(row) : null;
    },
    closeAlert(key, { at = nowIso() } = {}) {
      const row = close.get({ key, at });
      return row ? toAlert(row) : null;
    },
    getAlert(key) {
      const row = get.get(key);
      return row ? toAlert(row) : null;
    },
    listOpenAlerts: (prefix = "") => listOpen.all({ prefix }).map(toAlert),
  };
}

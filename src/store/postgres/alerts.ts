import type pg from "pg";
import type { AlertStore } from "../contract.ts";
import { type AlertRow, toAlert, toAlertTransition } from "../rows.ts";
import { alertReasonText, checkAlertKey } from "../rules.ts";
import { nowIso } from "../time.ts";
import { statement } from "./pool.ts";

// ON CONFLICT … DO UPDATE … WHERE locks the row and re-checks the WHERE against the newest version when another
// transaction changed it first: of several processes opening the same alert at once, one gets the row back.
const open = statement<AlertRow>(
  "alerts.open",
  `INSERT INTO alerts (key, state, reason, opened_at, last_notified_at) VALUES ($1, 'open', $2, $3, $3)
   ON CONFLICT (key) DO UPDATE SET
     reason = CASE WHEN alerts.state = 'closed' THEN excluded.reason ELSE alerts.reason END,
     opened_at = CASE WHEN alerts.state = 'closed' THEN excluded.opened_at ELSE alerts.opened_at END,
     state = 'open', last_notified_at = excluded.last_notified_at, closed_at = NULL
   WHERE alerts.state = 'closed' OR alerts.last_notified_at < $4
   RETURNING *`,
);
const close = statement<AlertRow>(
  "alerts.close",
  "UPDATE alerts SET state = 'closed', closed_at = $2 WHERE key = $1 AND state = 'open' RETURNING *",
);
const get = statement<AlertRow>("alerts.get", "SELECT * FROM alerts WHERE key = $1");
const listOpen = statement<AlertRow>(
  "alerts.list-open",
  "SELECT * FROM alerts WHERE state = 'open' AND left(key, length($1)) = $1 ORDER BY key",
);

export function createAlertStore(pool: pg.Pool): AlertStore {
  return {
    async openAlert(key, reason, { repeatBefore, at = nowIso() }) {
      const row = await open.first(pool, [checkAlertKey(key), alertReasonText(reason), at, repeatBefore]);
      return row ? toAlertTransition(row) : null;
    },
    async closeAlert(key, { at = nowIso() } = {}) {
      const row = await close.first(pool, [key, at]);
      return row ? toAlert(row) : null;
    },
    async getAlert(key) {
      const row = await get.first(pool, [key]);
      return row ? toAlert(row) : null;
    },
    listOpenAlerts: async (prefix = "") => (await listOpen.rows(pool, [prefix])).map(toAlert),
  };
}

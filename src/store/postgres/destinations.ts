import type pg from "pg";
import { redactSecrets } from "../../net/redact.ts";
import type { DestinationStore } from "../contract.ts";
import { StoreError } from "../errors.ts";
import { redactConfig } from "../redact.ts";
import { type DestinationRow, toDestination } from "../rows.ts";
import { nowIso } from "../time.ts";
import { statement } from "./pool.ts";

const upsert = statement<DestinationRow>(
  "destinations.upsert",
  `INSERT INTO destinations (id, type, config, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
   ON CONFLICT (id) DO UPDATE SET type = excluded.type, config = excluded.config, updated_at = excluded.updated_at
   RETURNING *`,
);
const get = statement<DestinationRow>("destinations.get", "SELECT * FROM destinations WHERE id = $1");
const matching = statement<DestinationRow>(
  "destinations.matching",
  `SELECT * FROM destinations
   WHERE ($1::boolean IS NOT TRUE OR flagged_reason IS NOT NULL)
     AND ($2::text IS NULL OR type = $2)
     AND ($3::text IS NULL OR config ->> 'channelId' = $3)
   ORDER BY id`,
);
const flag = statement(
  "destinations.flag",
  "UPDATE destinations SET flagged_reason = $2, flagged_at = $3, updated_at = $4 WHERE id = $1",
);

export function createDestinationStore(pool: pg.Pool): DestinationStore {
  const setFlag = async (id: string, reason: string | null) => {
    const now = nowIso();
    if ((await flag.run(pool, [id, reason, reason === null ? null : now, now])) === 0) {
      throw new StoreError(`destination ${id} is not stored`);
    }
  };

  return {
    async upsertDestination(destination) {
      if (typeof destination.id !== "string" || destination.id.trim() === "") {
        throw new StoreError("destination id must be a non-empty string");
      }
      if (typeof destination.type !== "string" || destination.type === "") {
        throw new StoreError(`destination ${destination.id}: type is required`);
      }
      const config = JSON.stringify(redactConfig(destination.config, { redactUrls: true }));
      return toDestination((await upsert.first(pool, [destination.id, destination.type, config, nowIso()]))!);
    },
    async flagDestination(id, reason) {
      if (reason.trim() === "") throw new StoreError(`destination ${id}: a flag needs a reason`);
      await setFlag(id, redactSecrets(reason));
    },
    clearDestinationFlag: (id) => setFlag(id, null),
    async getDestination(id) {
      const row = await get.first(pool, [id]);
      return row ? toDestination(row) : null;
    },
    async listDestinations(filter = {}) {
      const rows = await matching.rows(pool, [filter.flagged === true, filter.type ?? null, filter.channelId ?? null]);
      return rows.map(toDestination);
    },
  };
}

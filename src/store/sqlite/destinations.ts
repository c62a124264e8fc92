import type Database from "better-sqlite3";
import { redactSecrets } from "../../net/redact.ts";
import type { DestinationStore, Synchronous } from "../contract.ts";
import { StoreError } from "../errors.ts";
import { redactConfig } from "../redact.ts";
import { type DestinationRow, toDestination } from "../rows.ts";
import { nowIso } from "../time.ts";

export function createDestinationStore(db: Database.Database): Synchronous<DestinationStore> {
  const get = db.prepare<[string], DestinationRow>("SELECT * FROM destinations WHERE id = ?");
  const matching = db.prepare<{ flagged: number; type: string | null; channelId: string | null }, DestinationRow>(`
    SELECT * FROM destinations
    WHERE (@flagged = 0 OR flagged_reason IS NOT NULL)
      AND (@type IS NULL OR type = @type)
      AND (@channelId IS NULL OR json_extract(config, '$.channelId') = @channelId)
    ORDER BY id`);
  const upsert = db.prepare(`
    INSERT INTO destinations (id, type, config, created_at, updated_at) VALUES (@id, @type, @config, @now, @now)
    ON CONFLICT (id) DO UPDATE SET type = excluded.type, config = excluded.config, updated_at = excluded.updated_at`);
  const flag = db.prepare(
    "UPDATE destinations SET flagged_reason = @reason, flagged_at = @flaggedAt, updated_at = @now WHERE id = @id",
  );

  const setFlag = (id: string, reason: string | null) => {
    const now = nowIso();
    if (flag.run({ id, reason, flaggedAt: reason === null ? null : now, now }).changes === 0) {
      throw new StoreError(`destination ${id} is not stored`);
    }
  };

  return {
    upsertDestination(destination) {
      if (typeof destination.id !== "string" || destination.id.trim() === "") {
        throw new StoreError("destination id must be a non-empty string");
      }
      if (typeof destination.type !== "string" || destination.type === "") {
        throw new StoreError(`destination ${destination.id}: type is required`);
      }
      const config = JSON.stringify(redactConfig(destination.config, { redactUrls: true }));
      upsert.run({ id: destination.id, type: destination.type, config, now: nowIso() });
      return toDestination(get.get(destination.id)!);
    },
    flagDestination(id, reason) {
      if (reason.trim() === "") throw new StoreError(`destination ${id}: a flag needs a reason`);
      setFlag(id, redactSecrets(reason));
    },
    clearDestinationFlag: (id) => setFlag(id, null),
    getDestination(id) {
      const row = get.get(id);
      return row ? toDestination(row) : null;
    },
    listDestinations: (filter = {}) =>
      matching
        .all({
          flagged: filter.flagged === true ? 1 : 0,
          type: filter.type ?? null,
          channelId: filter.channelId ?? null,
        })
        .map(toDestination),
  };
}

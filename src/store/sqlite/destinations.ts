import type Database from "better-sqlite3";
import { redactSecrets } from "../../net/redact.ts";
import type { DestinationRecord, DestinationStore, Synchronous } from "../contract.ts";
import { StoreError } from "../errors.ts";
import { redactConfig } from "../redact.ts";
import { nowIso } from "../time.ts";

interface DestinationRow {
  id: string;
  type: string;
  config: string;
  flagged_reason: string | null;
  flagged_at: string | null;
  created_at: string;
  updated_at: string;
}

export function createDestinationStore(db: Database.Database): Synchronous<DestinationStore> {
  const get = db.prepare<[string], DestinationRow>("SELECT * FROM destinations WHERE id = ?");
  const all = db.prepare<[], DestinationRow>("SELECT * FROM destinations ORDER BY id");
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
    listDestinations: () => all.all().map(toDestination),
  };
}

function toDestination(row: DestinationRow): DestinationRecord {
  return {
    id: row.id,
    type: row.type,
    config: JSON.parse(row.config) as Record<string, unknown>,
    flaggedReason: row.flagged_reason,
    flaggedAt: row.flagged_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

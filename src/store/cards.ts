import type Database from "better-sqlite3";
import { nowIso } from "./time.ts";

/** A cache of rendered card PNGs, keyed by whatever identifies the card's content (e.g. a hash of its data). */
export interface CardStore {
  getCard(key: string): Buffer | null;
  /** Stores or replaces a card. */
  putCard(key: string, png: Buffer): void;
  /** Deletes cards stored before `isoInstant`; returns how many. */
  pruneCardsBefore(isoInstant: string): number;
}

export function createCardStore(db: Database.Database): CardStore {
  const get = db.prepare<[string], { png: Buffer }>("SELECT png FROM cards WHERE key = ?");
  const put = db.prepare(
    "INSERT INTO cards (key, png, created_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET png = excluded.png, created_at = excluded.created_at",
  );
  const prune = db.prepare("DELETE FROM cards WHERE created_at < ?");
  return {
    getCard: (key) => get.get(key)?.png ?? null,
    putCard: (key, png) => void put.run(key, png, nowIso()),
    pruneCardsBefore: (isoInstant) => prune.run(isoInstant).changes,
  };
}

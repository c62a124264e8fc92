import type Database from "better-sqlite3";
import type { Article } from "../../article/types.ts";
import type { CardStore, Synchronous } from "../contract.ts";
import { nowIso } from "../time.ts";

export function createCardStore(db: Database.Database): Synchronous<CardStore> {
  const get = db.prepare<[string], { png: Buffer }>("SELECT png FROM cards WHERE key = ?");
  const put = db.prepare(
    "INSERT INTO cards (key, png, created_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET png = excluded.png, created_at = excluded.created_at",
  );
  const prune = db.prepare("DELETE FROM cards WHERE created_at < ?");
  const versionsSince = db.prepare<[string], { json: string }>(
    "SELECT json FROM article_versions WHERE created_at >= ?",
  );
  const pruneUnused = db.prepare(
    "DELETE FROM cards WHERE created_at < ? AND key NOT IN (SELECT value FROM json_each(?))",
  );
  const pruneUnusedCardsBefore = db.transaction(
    (isoInstant: string, cardKeyOf: (article: Article) => string | null) => {
      const used = new Set<string>();
      for (const { json } of versionsSince.iterate(isoInstant)) {
        const key = cardKeyOf(JSON.parse(json) as Article);
        if (key) used.add(key);
      }
      return pruneUnused.run(isoInstant, JSON.stringify([...used])).changes;
    },
  );
  return {
    getCard: (key) => get.get(key)?.png ?? null,
    putCard: (key, png) => void put.run(key, png, nowIso()),
    pruneCardsBefore: (isoInstant) => prune.run(isoInstant).changes,
    pruneUnusedCardsBefore: (isoInstant, cardKeyOf) => pruneUnusedCardsBefore(isoInstant, cardKeyOf),
  };
}

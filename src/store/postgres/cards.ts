import type pg from "pg";
import type { Article } from "../../article/types.ts";
import type { CardStore } from "../contract.ts";
import { nowIso } from "../time.ts";
import { statement, transaction } from "./pool.ts";

const get = statement<{ png: Buffer }>("cards.get", "SELECT png FROM cards WHERE key = $1");
const put = statement(
  "cards.put",
  `INSERT INTO cards (key, png, created_at) VALUES ($1, $2, $3)
   ON CONFLICT (key) DO UPDATE SET png = excluded.png, created_at = excluded.created_at`,
);
const prune = statement("cards.prune", "DELETE FROM cards WHERE created_at < $1");
// Read in pages by key, so a month of versions is never held in memory at once.
const versionsSince = statement<{ article_id: string; version: number; json: string }>(
  "cards.versions-since",
  `SELECT article_id, version, json FROM article_versions WHERE created_at >= $1 AND (article_id, version) > ($2, $3)
   ORDER BY article_id, version LIMIT $4`,
);
const pruneUnused = statement(
  "cards.prune-unused",
  "DELETE FROM cards WHERE created_at < $1 AND NOT (key = ANY($2::text[]))",
);
const PAGE = 500;

export function createCardStore(pool: pg.Pool): CardStore {
  return {
    getCard: async (key) => (await get.first(pool, [key]))?.png ?? null,
    putCard: async (key, png) => void (await put.run(pool, [key, png, nowIso()])),
    pruneCardsBefore: (isoInstant) => prune.run(pool, [isoInstant]),
    pruneUnusedCardsBefore: (isoInstant, cardKeyOf) =>
      transaction(pool, async (client) => {
        const used = new Set<string>();
        let after: [string, number] = ["", 0];
        for (;;) {
          const page = await versionsSince.rows(client, [isoInstant, ...after, PAGE]);
          for (const row of page) {
            const key = cardKeyOf(JSON.parse(row.json) as Article);
            if (key) used.add(key);
          }
          const last = page[page.length - 1];
          if (!last || page.length < PAGE) break;
          after = [last.article_id, last.version];
        }
        return pruneUnused.run(client, [isoInstant, [...used]]);
      }),
  };
}

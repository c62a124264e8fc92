import { cardDataFromArticle, cardKey } from "../../src/card/index.ts";
import type { PipelineContext } from "./context.ts";

/** The maintenance queue's job (and job scheduler id) that prunes cards. */
export const PRUNE_CARDS_JOB = "prune-cards";

/** Once a day is plenty: a card is ~330 KB, and retention is counted in days. */
export const PRUNE_CARDS_EVERY_MS = 24 * 60 * 60_000;

/** Deletes cards no article version of the last `cards.retentionDays` uses; returns how many. */
export async function pruneCards(
  ctx: Pick<PipelineContext, "config" | "store" | "log">,
  now = Date.now(),
): Promise<number> {
  const cutoff = new Date(now - ctx.config.cards.retentionDays * 24 * 60 * 60_000).toISOString();
  const pruned = await ctx.store.pruneUnusedCardsBefore(cutoff, (article) => {
    const data = cardDataFromArticle(article);
    return data ? cardKey(data) : null;
  });
  if (pruned) ctx.log.info({ pruned, before: cutoff }, "pruned cards no recent article version uses");
  return pruned;
}

import type { Queue } from "bullmq";
import type { Store, StoredArticle } from "../../src/store/index.ts";
import type { DeliverJobData } from "../queues.ts";
import type { PipelineContext } from "./context.ts";
import { fanOut } from "./ingest.ts";

export type RetractOutcome =
  | { status: "retracted"; articleId: string; version: number; queued: number }
  | { status: "already retracted"; articleId: string; version: number };

/**
 * Retracts a stored article (`DELETE /ingest/<feed>/<id>`, `herald retract`): stores it as a new,
 * retracted version and queues that version to every destination that got the article, where it is
 * marked retracted or deleted (per destination `retractions`). Destinations that never got it get
 * nothing. Idempotent: an article already retracted is left as it is.
 */
export async function retractArticle(
  stored: StoredArticle,
  deps: { store: Store; config: PipelineContext["config"]; deliverQueue: Queue<DeliverJobData> },
): Promise<RetractOutcome> {
  const { article } = stored;
  if (article.retracted) return { status: "already retracted", articleId: article.id, version: stored.version };
  const { version } = await deps.store.upsertArticle({ ...article, retracted: true }, stored.feedId);
  // Every destination with a delivery row; fanOut keeps those that show the article, each once.
  const delivered = await deps.store.listArticleDeliveries(article.id);
  const destinations = delivered.map((d) => d.destinationId);
  const queued = await fanOut({ id: article.id, retracted: true }, version, destinations, deps);
  return { status: "retracted", articleId: article.id, version, queued };
}

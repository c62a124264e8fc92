/**
 * "Why wasn't this delivered?": everything the store knows about one
 * article's deliveries, gathered for `herald trace` and `/news trace`. Read
 * from the store only, so any host of a fleet answers the same.
 */
import type { Delivery, DeliveryAttempt, DestinationRecord, Store, StoredArticle } from "../store/index.ts";

export interface TraceVersion {
  version: number;
  storedAt: string;
  title: string;
}

/** One destination's deliveries of the article (one per version sent there) and the attempts behind them. */
export interface TraceDestination {
  id: string;
  type: string | null;
  /** Why deliveries there are held (the destination is flagged), or null. */
  flaggedReason: string | null;
  deliveries: Delivery[];
  /** Oldest first; the newest 20 per delivery. */
  attempts: DeliveryAttempt[];
}

export interface Trace {
  articleId: string;
  url: string | null;
  versions: TraceVersion[];
  /** By destination id. */
  destinations: TraceDestination[];
}

/** Collects the trace of a stored article: its versions, and per destination every delivery and attempt. */
export async function collectTrace(store: Store, stored: StoredArticle): Promise<Trace> {
  const articleId = stored.article.id;
  const versions: TraceVersion[] = [];
  for (let version = 1; version <= stored.version; version++) {
    const v = version === stored.version ? stored : await store.getArticleVersion(articleId, version);
    if (v) versions.push({ version, storedAt: v.createdAt, title: v.article.title });
  }
  const attempts = await store.listAttempts(articleId);
  const destinations: TraceDestination[] = [];
  for (const destination of await store.listDestinations()) {
    const deliveries = await deliveriesAt(store, articleId, versions, destination);
    const mine = attempts.filter((a) => a.destinationId === destination.id);
    if (deliveries.length === 0 && mine.length === 0) continue;
    destinations.push({ id: destination.id, type: destination.type, flaggedReason: destination.flaggedReason, deliveries, attempts: mine });
  }
  return { articleId, url: stored.article.url ?? null, versions, destinations };
}

async function deliveriesAt(store: Store, articleId: string, versions: TraceVersion[], destination: DestinationRecord): Promise<Delivery[]> {
  const found: Delivery[] = [];
  for (const { version } of versions) {
    const delivery = await store.getDelivery(articleId, version, destination.id);
    if (delivery) found.push(delivery);
  }
  return found;
}

/**
 * The platform's answer to one attempt in a few language-neutral words, e.g.
 * "HTTP 429 rate_limited, retry after 1.5 s"; empty when there was none (a timeout, a refused connection).
 */
export function platformAnswer(attempt: Pick<DeliveryAttempt, "status" | "code" | "retryAfterMs">): string {
  const parts = [attempt.status !== null ? `HTTP ${attempt.status}` : null, attempt.code].filter((p) => p !== null);
  const wait = attempt.retryAfterMs !== null ? `retry after ${attempt.retryAfterMs / 1000} s` : null;
  return [parts.join(" "), wait].filter((p) => p).join(", ");
}

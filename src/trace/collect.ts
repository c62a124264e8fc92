/**
 * "Why wasn't this delivered?": everything the store knows about one
 * article's deliveries, gathered for `herald trace` and `/news trace`. Read
 * from the store only, so any host of a fleet answers the same.
 */
import type { Delivery, DeliveryAttempt, Store, StoredArticle } from "../store/index.ts";

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

/**
 * Collects the trace of a stored article: its versions, and per destination every delivery and
 * attempt. `only` limits it to those destinations (a chat channel's own), so others are never read.
 */
export async function collectTrace(store: Store, stored: StoredArticle, only?: readonly string[]): Promise<Trace> {
  const articleId = stored.article.id;
  const versions: TraceVersion[] = [];
  for (let version = 1; version <= stored.version; version++) {
    const v = version === stored.version ? stored : await store.getArticleVersion(articleId, version);
    if (v) versions.push({ version, storedAt: v.createdAt, title: v.article.title });
  }
  const wanted = (destinationId: string) => !only || only.includes(destinationId);
  const deliveries = (await store.listArticleDeliveries(articleId)).filter((d) => wanted(d.destinationId));
  const attempts = (await store.listAttempts(articleId)).filter((a) => wanted(a.destinationId));
  const ids = [...new Set([...deliveries, ...attempts].map((d) => d.destinationId))].sort();
  const destinations: TraceDestination[] = [];
  for (const id of ids) {
    const destination = await store.getDestination(id);
    destinations.push({
      id,
      type: destination?.type ?? null,
      flaggedReason: destination?.flaggedReason ?? null,
      deliveries: deliveries.filter((d) => d.destinationId === id),
      attempts: attempts.filter((a) => a.destinationId === id),
    });
  }
  return { articleId, url: stored.article.url ?? null, versions, destinations };
}

/**
 * The newer version whose send carried `delivery`, or null: a version that a newer one replaced
 * before it went out (superseded, or coalesced into one edit) is recorded as delivered in that
 * version's message, with neither a send nor an attempt of its own.
 */
export function carriedBy(
  delivery: Delivery,
  destination: Pick<TraceDestination, "deliveries" | "attempts">,
): number | null {
  if (delivery.state !== "delivered" || delivery.attempts > 0 || delivery.platformMessageId === null) return null;
  if (destination.attempts.some((attempt) => attempt.version === delivery.version)) return null;
  const carrier = destination.deliveries.find(
    (d) => d.version > delivery.version && d.attempts > 0 && d.platformMessageId === delivery.platformMessageId,
  );
  return carrier?.version ?? null;
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

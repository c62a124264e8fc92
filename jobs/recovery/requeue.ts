import type { Queue } from "bullmq";
import type { Delivery, Store } from "../../src/store/index.ts";
import { type DeliverJobData, deliverJob } from "../queues.ts";

/** Deliveries read from the store, and job states asked of Redis, per round. */
const PAGE_SIZE = 500;

export interface RequeueResult {
  /** Pending/sending deliveries looked at. */
  unfinished: number;
  /** Those whose job was gone and was queued again. */
  requeued: number;
}

/**
 * Queues again every `pending`/`sending` delivery in the store (changed before
 * `updatedBefore`, when given) that has no job in Redis. The job is the
 * fan-out's own (same deterministic id, same options), so a delivery whose job
 * still exists — waiting, active in a worker, delayed for a retry — is left
 * alone, and one queued twice by two sweeps at once is still one job. Nothing
 * `delivered` or failed is listed, so nothing already sent is queued again.
 */
export async function requeueOrphanedDeliveries(
  store: Store,
  deliverQueue: Queue<DeliverJobData>,
  options: { updatedBefore?: string } = {},
): Promise<RequeueResult> {
  const result: RequeueResult = { unfinished: 0, requeued: 0 };
  let after: Delivery | undefined;
  for (;;) {
    const page = await store.listUnfinishedDeliveries({
      updatedBefore: options.updatedBefore,
      after,
      limit: PAGE_SIZE,
    });
    if (!page.length) return result;
    const jobs = page.map(({ articleId, version, destinationId }) => deliverJob({ articleId, version, destinationId }));
    const states = await Promise.all(jobs.map((job) => deliverQueue.getJobState(job.opts.jobId)));
    const lost = jobs.filter((_, i) => states[i] === "unknown");
    if (lost.length) await deliverQueue.addBulk(lost);
    result.unfinished += page.length;
    result.requeued += lost.length;
    after = page.at(-1);
  }
}

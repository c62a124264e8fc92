import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { QueueName } from "../../jobs/queues.ts";
import type { Store } from "../../src/store/index.ts";
import { waitFor } from "./wait.ts";

/** A platform fake that can say whether it still owes Herald an answer (DiscordFake, SlackFake, TelegramFake). */
export interface AnsweringFake {
  readonly pendingRequests: number;
}

export interface DrainedOptions {
  /** Every queue Herald uses in the test: none may hold a job waiting, running, or due soon. */
  queues: Queue[];
  /** When given, no delivery may be pending or sending. */
  store?: Store;
  /** When given, each fake must have answered every request it received. */
  fakes?: AnsweringFake[];
  /**
   * Delayed jobs due at or after this time (epoch ms) are a schedule the test expects (an embargoed
   * post), not work still going on. Jobs a job scheduler made (the next poll of a feed) never count.
   */
  scheduledFrom?: number;
  timeoutMs?: number;
}

/**
 * Waits until the pipeline is provably idle: no job waiting or running in any queue, no delayed
 * job that is work in progress (a retry's backoff, a paced send), no delivery still open in the
 * store, and no request the fakes have not answered. Only then can a test assert that something
 * did *not* happen (a second post, an early one).
 *
 * Idle before the work started is idle too: wait for the expected effect first (the post arrived,
 * the file was seen, the ingest job completed), then for this.
 */
export async function waitForDrained(options: DrainedOptions): Promise<void> {
  const { queues, store, fakes = [], scheduledFrom = Number.POSITIVE_INFINITY, timeoutMs = 30_000 } = options;
  const busy = async (): Promise<string | null> => {
    for (const queue of queues) {
      const counts = await queue.getJobCounts("waiting", "active", "prioritized", "waiting-children", "paused");
      const open = Object.entries(counts).filter(([, n]) => n > 0);
      if (open.length) return `${queue.name}: ${open.map(([state, n]) => `${n} ${state}`).join(", ")}`;
      const delayed = (await queue.getDelayed()).filter(
        (job) => !job.repeatJobKey && job.timestamp + job.delay < scheduledFrom,
      );
      if (delayed.length)
        return `${queue.name}: ${delayed.length} delayed (${delayed.map((job) => job.id).join(", ")})`;
    }
    if (store) {
      const { pending, sending } = await store.countByState();
      if (pending || sending) return `store: ${pending} deliveries pending, ${sending} sending`;
    }
    const owing = fakes.filter((fake) => fake.pendingRequests > 0);
    if (owing.length)
      return `fakes: ${owing.map((fake) => `${fake.constructor.name} owes ${fake.pendingRequests} answers`).join(", ")}`;
    return null;
  };
  let last: string | null = "not checked yet";
  try {
    await waitFor(
      async () => {
        last = await busy();
        return last === null;
      },
      timeoutMs,
      "the pipeline to drain",
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; still busy: ${last}`);
  }
}

/** What {@link waitForServiceDrained} needs of a running service: its runtime's queues and store. */
interface RunningService {
  runtime: { ingestQueue: Queue; deliverQueue: Queue; pollQueue: Queue; maintenanceQueue: Queue; store: Store };
}

/** {@link waitForDrained} over every queue a service uses and its store. */
export function waitForServiceDrained(
  service: RunningService,
  options: Omit<DrainedOptions, "queues" | "store"> = {},
): Promise<void> {
  const { ingestQueue, deliverQueue, pollQueue, maintenanceQueue, store } = service.runtime;
  return waitForDrained({ ...options, queues: [ingestQueue, deliverQueue, pollQueue, maintenanceQueue], store });
}

/**
 * Every queue of the Herald processes using `prefix`, seen from the test through `redis` (for a
 * fleet of child processes, whose runtimes the test cannot reach). Close them before `redis`.
 */
export function heraldQueues(redis: Redis, prefix: string): Queue[] {
  return Object.values(QueueName).map((name) => new Queue(name, { connection: redis, prefix }));
}

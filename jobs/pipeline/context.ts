import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { HeraldConfig } from "../../config/schema.ts";
import type { Poster } from "../../src/adapter.ts";
import type { CardRenderer } from "../../src/card/index.ts";
import type { Log } from "../../src/log.ts";
import type { Store } from "../../src/store/index.ts";
import type { AlertNotifier } from "../alerts/notifier.ts";
import type { PipelineMetrics } from "../metrics/events.ts";
import type { DeliverJobData, IngestJobData } from "../queues.ts";
import type { UntrustedPool } from "../untrusted/pool.ts";

/** What the job processors need; built once per process by jobs/runtime.ts. */
export interface PipelineContext {
  config: HeraldConfig;
  store: Store;
  log: Log;
  ingestQueue: Queue<IngestJobData>;
  deliverQueue: Queue<DeliverJobData>;
  poster: (destinationId: string) => Promise<Poster>;
  /** For send-slot reservations shared by all workers. */
  redis: Redis;
  /** Parses posts and feeds off the event loop, within the `processing:` budget. */
  untrusted: UntrustedPool;
  /** Counts deliveries, polls and renders for this process's GET /metrics. */
  metrics: PipelineMetrics;
  /** Health alerts into the admins' channel (does nothing without `alerts:` in the config). */
  alerts: AlertNotifier;
}

/** What the ingest worker needs besides: the card renderer exists only in processes that run the `ingest` role. */
export interface IngestContext extends PipelineContext {
  /** Null when cards are disabled. */
  renderer: () => Promise<CardRenderer | null>;
}

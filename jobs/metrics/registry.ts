import type { Queue } from "bullmq";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { PipelineMetrics } from "./events.ts";

/** Queue states shown per queue; "prioritized" jobs are waiting too, so they are added to `waiting`. */
const QUEUE_STATES = ["waiting", "active", "delayed", "failed"] as const;
/** A scrape must answer while Redis is away: queue depths are left out after this long. */
const QUEUE_COUNTS_TIMEOUT_MS = 1000;

/** Publish → delivered spans minutes to a day (a feed polled every 10 min, a backlog after an outage). */
const PUBLISH_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 86_400];
const INGEST_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];
const RENDER_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

/** A singleton duty this process contends for, and whether it holds it now. */
export interface DutyState {
  name: string;
  owned: boolean;
}

/**
 * This process's Prometheus registry: default process metrics plus Herald's
 * own series. One per runtime (not prom-client's global registry), so
 * several services in one process (tests) never share counts. Labels are
 * bounded: platform, destination id (from the config or a chat's /feeds add,
 * both capped), queue, duty, outcome, reason — never an article id.
 */
export class HeraldMetrics implements PipelineMetrics {
  readonly registry = new Registry();
  #queues: Queue[] = [];
  #duties: () => DutyState[] = () => [];

  readonly #deliveries = new Counter({
    name: "herald_deliveries_total",
    help: "Delivery attempts by outcome: delivered, retried (will be tried again), rate_limited (platform answered 429), failed (given up)",
    labelNames: ["platform", "destination", "outcome"] as const,
    registers: [this.registry],
  });
  readonly #failures = new Counter({
    name: "herald_delivery_failures_total",
    help: "Failed send attempts by reason (permission, not_found, auth, rate_limit, invalid, timeout, server, other)",
    labelNames: ["platform", "reason"] as const,
    registers: [this.registry],
  });
  readonly #rateLimited = new Counter({
    name: "herald_platform_rate_limited_total",
    help: "429 answers that reached the delivery queue, per platform (short waits the client libraries absorb are not counted)",
    labelNames: ["platform"] as const,
    registers: [this.registry],
  });
  readonly #publishLatency = new Histogram({
    name: "herald_publish_to_delivered_seconds",
    help: "From the article's date (its ingest time when undated or dated in the future) to the platform's acknowledgement, first versions only",
    labelNames: ["platform"] as const,
    buckets: PUBLISH_BUCKETS,
    registers: [this.registry],
  });
  readonly #ingestLatency = new Histogram({
    name: "herald_ingest_to_delivered_seconds",
    help: "From storing the article version to the platform's acknowledgement",
    labelNames: ["platform"] as const,
    buckets: INGEST_BUCKETS,
    registers: [this.registry],
  });
  readonly #feedPolls = new Counter({
    name: "herald_feed_polls_total",
    help: "Feed polls by outcome: 200 (fetched), 304 (not modified), error (fetch or parse failed)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly #cardRenders = new Counter({
    name: "herald_card_renders_total",
    help: "Timeline cards rendered, by outcome (ok, failed)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly #cardCacheHits = new Counter({
    name: "herald_card_cache_hits_total",
    help: "Articles whose card was already stored, so nothing was rendered",
    registers: [this.registry],
  });
  readonly #renderTime = new Histogram({
    name: "herald_card_render_seconds",
    help: "Time to render one timeline card in Chromium",
    buckets: RENDER_BUCKETS,
    registers: [this.registry],
  });

  #processMetrics = false;

  constructor() {
    const metrics = this;
    new Gauge({
      name: "herald_queue_jobs",
      help: "Jobs per queue and state (waiting, active, delayed, failed), read from Redis at scrape time; absent while Redis does not answer",
      labelNames: ["queue", "state"] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [queue, counts] of await metrics.#queueCounts()) {
          for (const state of QUEUE_STATES)
            this.set({ queue, state }, (counts[state] ?? 0) + (state === "waiting" ? (counts.prioritized ?? 0) : 0));
        }
      },
    });
    new Gauge({
      name: "herald_duty_owned",
      help: "1 for each singleton duty this process holds, 0 for those it stands by for",
      labelNames: ["duty"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const duty of metrics.#duties()) this.set({ duty: duty.name }, duty.owned ? 1 : 0);
      },
    });
  }

  /**
   * Adds Node's default process metrics (CPU, memory, event-loop lag, GC). Only processes that
   * serve /metrics call it: it starts an event-loop monitor and a GC observer for good.
   */
  collectProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** The queues whose depths each scrape reads. */
  watchQueues(queues: Queue[]): void {
    this.#queues = queues;
  }

  /** Where each scrape reads the duties this process holds (jobs/fleet). */
  watchDuties(duties: () => DutyState[]): void {
    this.#duties = duties;
  }

  delivery(
    outcome: Parameters<PipelineMetrics["delivery"]>[0],
    { platform, destinationId }: Parameters<PipelineMetrics["delivery"]>[1],
  ): void {
    this.#deliveries.inc({ platform, destination: destinationId, outcome });
    if (outcome === "rate_limited") this.#rateLimited.inc({ platform });
  }

  deliveryFailure(...[platform, reason]: Parameters<PipelineMetrics["deliveryFailure"]>): void {
    this.#failures.inc({ platform, reason });
  }

  delivered(
    ...[platform, { publishedAt, ingestedAt, acknowledgedAt }]: Parameters<PipelineMetrics["delivered"]>
  ): void {
    // Clocks of different hosts disagree by a little; a negative span is noise, not a measurement.
    if (publishedAt !== null)
      this.#publishLatency.observe({ platform }, Math.max(0, acknowledgedAt - publishedAt) / 1000);
    this.#ingestLatency.observe({ platform }, Math.max(0, acknowledgedAt - ingestedAt) / 1000);
  }

  feedPoll(outcome: Parameters<PipelineMetrics["feedPoll"]>[0]): void {
    this.#feedPolls.inc({ outcome });
  }

  cardRendered(seconds: number, ok: boolean): void {
    this.#cardRenders.inc({ outcome: ok ? "ok" : "failed" });
    if (ok) this.#renderTime.observe(seconds);
  }

  cardCacheHit(): void {
    this.#cardCacheHits.inc();
  }

  /** Text exposition of every series, for GET /metrics. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  async #queueCounts(): Promise<[string, Record<string, number>][]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), QUEUE_COUNTS_TIMEOUT_MS);
    });
    const counts = Promise.all(
      this.#queues.map(
        async (q) => [q.name, await q.getJobCounts(...QUEUE_STATES, "prioritized")] as [string, Record<string, number>],
      ),
    );
    const answer = await Promise.race([counts.catch(() => null), timeout]).finally(() => clearTimeout(timer));
    return answer ?? [];
  }
}

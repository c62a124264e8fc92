import type { Article, ArticleFields } from "../src/article/index.ts";

/** Queue names, one per role. Payloads carry ids, raw input or parsed articles, never rendered output. */
export const QueueName = {
  /** Raw input (or an article parsed at the door) → article, stored, card rendered, deliveries fanned out. */
  ingest: "ingest",
  /** One article version to one destination. */
  deliver: "deliver",
  /** Fetch one RSS/Atom/JSON feed (job schedulers repeat it). */
  poll: "poll",
  /** Housekeeping on a schedule (pruning cards), apart from the work queues so their counts stay the work's. */
  maintenance: "maintenance",
  /** One health alert message (jobs/alerts/) to the alert destination. */
  alert: "alert",
} as const;

/**
 * The kinds of ingest input. `recheck`: a scheduled post due now, read again from `input` (a directory
 * feed's file) rather than from `raw`. `scheduleOnly`: a post found by a feed's first scan, which posts
 * nothing that is already out, but must still go out later if it is not yet due.
 */
type IngestInput =
  | { kind: "post"; raw: string; recheck?: boolean; scheduleOnly?: boolean }
  | { kind: "fields"; fields: ArticleFields }
  /** Already parsed (and proven to format) within the processing budget, by `POST /ingest`: the worker does not parse it again. */
  | { kind: "article"; article: Article };

export type IngestJobData = {
  feedId: string;
  /** Where the input came from, for errors and logs: a file path, a feed item link, "POST /ingest". */
  input: string;
} & IngestInput;

export interface DeliverJobData {
  articleId: string;
  version: number;
  destinationId: string;
  /** Epoch ms of the send slot this job reserved (see jobs/pipeline/pacing.ts); unset until it has one. */
  slotAt?: number;
  /**
   * Set once the platform accepted the message, before it is recorded: a retry of the job
   * (recording failed, or the worker died in between) only records it and never posts again.
   */
  sent?: {
    messageId: string | null;
    edited: boolean;
    /** The version the send applied, when newer than the job's own (a burst coalesced into this job). */
    version?: number;
    /**
     * The thread reply of a story update: owed (`done: false`) once the edit went through, so a retry
     * replies without editing again; `since` is the version members had seen, for what changed.
     */
    reply?: { since: number; done: boolean };
  };
  /**
   * Set when the job failed for good (recordExhausted). BullMQ never runs such a job again by
   * itself, so a run that finds it set is an admin's retry (the dashboard's `job.retry()`).
   */
  givenUp?: true;
}

export interface PollJobData {
  feedId: string;
}

/** The same delivery always gets the same job id, so re-ingesting never queues it twice. */
export const deliverJobId = (d: DeliverJobData) => `${d.articleId}.v${d.version}.${d.destinationId}`;

/**
 * The delivery job as the fan-out queues it. Recovery queues lost ones the same way: with the same id,
 * a job that still exists is left as it is instead of being doubled.
 */
export const deliverJob = (d: DeliverJobData) => ({ name: "deliver", data: d, opts: { jobId: deliverJobId(d) } });

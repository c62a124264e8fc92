import { fileURLToPath } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { HeraldConfig } from "../../config/schema.ts";
import { type Article, ArticleParseError, NotPublishedError } from "../../src/article/index.ts";
import { FeedParseError, type ParsedFeed } from "../../src/feed/parse.ts";
import type { ArticleInput, FeedInput, Started, TaskResult } from "./tasks.ts";

/** What one task on untrusted input may spend (config `processing:`): `timeout` in ms, `memoryMb` of heap per thread, `threads` at most. */
export type ProcessingBudget = HeraldConfig["processing"];

/**
 * Parses untrusted input on worker threads, each task within a time and a
 * memory budget, so a hostile post or feed can fail but never stall the
 * event loop that answers health checks, commands and deliveries.
 *
 * @example
 * const pool = createUntrustedPool({ timeout: 2000, memoryMb: 256, threads: 2 });
 * const article = await pool.article({ kind: "post", raw, input: "post.md", options: {} }); // throws ArticleParseError
 */
export interface UntrustedPool {
  /**
   * A post or article fields → Article, proven to format for every platform.
   * `onWarning` hears what the parse repaired or could not derive.
   * @throws {NotPublishedError} a draft, expired, or not yet due post
   * @throws {ArticleParseError} bad input or over budget
   */
  article(task: ArticleInput, onWarning?: (message: string) => void): Promise<Article>;
  /** Feed bytes → items. @throws {FeedParseError} bad input or over budget */
  feed(task: FeedInput): Promise<ParsedFeed>;
  /**
   * Keeps one thread started from now on, so a parse never waits for a thread to boot (loading the
   * parsers takes 0.9–2.7 s here: the first breaking news after a quiet half minute paid it). For
   * processes that ingest; call it before the first task (a pool that already ran one stays as it is).
   */
  warmUp(): void;
  /** Threads running now: none until the first task (or warmUp), and none again once they have idled out (one stays warm). */
  threads(): number;
  /** Terminates the threads; tasks still running fail. */
  close(): Promise<void>;
}

const WORKER_FILE = fileURLToPath(new URL("./worker.mjs", import.meta.url));
/** Added to the parse threads' niceness (Linux; a no-op where threads cannot be reniced). */
const PARSE_THREAD_NICENESS = 10;
/** A thread unused this long stops, so a process that never parses holds none. */
const IDLE_TIMEOUT_MS = 30_000;

export function createUntrustedPool(
  budget: ProcessingBudget,
  options: { idleTimeoutMs?: number | undefined } = {},
): UntrustedPool {
  let piscina: Piscina | undefined;
  const threads = (minThreads = 0) =>
    (piscina ??= new Piscina({
      filename: WORKER_FILE,
      minThreads,
      maxThreads: budget.threads,
      idleTimeout: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
      resourceLimits: { maxOldGenerationSizeMb: budget.memoryMb },
      // Parse threads yield the CPU to the event loop (on a 2-core host two busy parses would otherwise slow every answer);
      // a normal post needs milliseconds, so the budget still has ample room.
      niceIncrement: PARSE_THREAD_NICENESS,
    }));

  const slots = fifoSlots(budget.threads);

  type Failure = Extract<TaskResult<unknown>, { ok: false }>;

  async function run<T>(
    name: "article" | "feed",
    task: object,
    fail: (failure: Failure) => Error,
    onWarning?: (message: string) => void,
  ): Promise<T> {
    // Tasks wait here rather than in piscina's queue: with no minimum of threads, piscina does not replace a
    // terminated thread for the tasks already queued behind it, so they would wait forever.
    await slots.acquire();
    try {
      return await runNow<T>(name, task, fail, onWarning);
    } finally {
      slots.release();
    }
  }

  async function runNow<T>(
    name: "article" | "feed",
    task: object,
    fail: (failure: Failure) => Error,
    onWarning?: (message: string) => void,
  ): Promise<T> {
    const { port1: started, port2: startedInWorker } = new MessageChannel();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The clock starts when the task starts running: waiting for a free thread (or for one to boot) is not the input's fault.
    started.once("message", () => {
      timer = setTimeout(() => abort.abort(), budget.timeout);
    });
    try {
      const result: TaskResult<T> = await threads().run({ ...task, started: startedInWorker } satisfies Started, {
        name,
        signal: abort.signal,
        transferList: [startedInWorker],
      });
      for (const warning of result.warnings ?? []) onWarning?.(warning);
      if (!result.ok) throw fail(result);
      return result.value;
    } catch (error) {
      if (abort.signal.aborted)
        throw fail({ ok: false, reason: `too complex to process in ${formatMs(budget.timeout)}` });
      if ((error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY")
        throw fail({ ok: false, reason: `too large to process in ${budget.memoryMb} MB` });
      throw error;
    } finally {
      clearTimeout(timer);
      started.close();
    }
  }

  return {
    article: (task, onWarning) =>
      run(
        "article",
        task,
        (failure) =>
          failure.unpublished
            ? new NotPublishedError(task.input, failure.reason, failure.unpublished.publishAt)
            : new ArticleParseError(task.input, failure.reason),
        onWarning,
      ),
    feed: (task) => run("feed", task, (failure) => new FeedParseError(task.options.source, failure.reason)),
    warmUp: () => {
      threads(1);
    },
    threads: () => piscina?.threads.length ?? 0,
    close: async () => await piscina?.destroy(),
  };
}

const formatMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** At most `size` holders at a time; the others wait in arrival order. */
function fifoSlots(size: number): { acquire(): Promise<void>; release(): void } {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    acquire() {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

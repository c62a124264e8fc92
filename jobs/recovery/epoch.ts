import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Log } from "../../src/log.ts";

/** Why recovery runs: no marker at this process's first look (a new Redis, or one emptied while Herald was down), or the marker vanished while running. */
export type RecoveryCause = "no-marker-at-start" | "data-lost";

export interface EpochWatchOptions {
  redis: Redis;
  prefix: string;
  log: Log;
  /** Runs in the one process that set the new epoch; if it throws, it runs again at the next check. */
  recover: (cause: RecoveryCause) => Promise<void>;
}

/**
 * Notices that Redis lost its data. Herald keeps a marker key
 * (`<prefix>:epoch`, a random id) that nothing else writes and nothing
 * expires: when it is gone, so is everything else (a restart without
 * persistence, a failover to an empty replica, FLUSHALL). The first process
 * to notice sets a new epoch with SET NX and recovers; every process logs
 * the loss once, and adopts the new epoch so it does not report it again.
 */
export class EpochWatch {
  private readonly key: string;
  /** The epoch this process last saw; null before its first look. */
  private known: string | null = null;
  /** Set while this process owes a recovery that has not succeeded yet. */
  private owed: RecoveryCause | null = null;
  private checking: Promise<void> | null = null;

  constructor(private readonly options: EpochWatchOptions) {
    this.key = `${options.prefix}:epoch`;
  }

  /** Looks once (a look already under way is joined, not repeated). Errors are logged, never thrown: the next look tries again. */
  check(): Promise<void> {
    this.checking ??= this.look()
      .catch((error: Error) =>
        this.options.log.debug({ err: error.message }, "could not check Redis's epoch marker; trying again"),
      )
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  private async look(): Promise<void> {
    const { redis, log } = this.options;
    const current = await redis.get(this.key);
    if (current !== null && (current === this.known || this.known === null)) {
      this.known = current;
      if (this.owed) await this.recover(this.owed);
      return;
    }
    if (current !== null) {
      // Another process noticed first and is recovering.
      this.known = current;
      this.owed = null;
      log.warn(
        "Redis lost its data (Herald's epoch marker was replaced): another Herald process is re-queuing unfinished deliveries and re-creating feed schedules",
      );
      return;
    }
    const mine = randomUUID();
    const firstLook = this.known === null;
    if ((await redis.set(this.key, mine, "NX")) !== "OK") {
      // Lost the race to another process; the next look sees its epoch and reports the loss.
      return;
    }
    this.known = mine;
    if (firstLook) {
      log.info(
        "no Herald epoch marker in Redis (a new Redis, or one emptied while Herald was stopped): re-queuing unfinished deliveries from the store",
      );
      await this.recover("no-marker-at-start");
    } else {
      log.warn(
        "Redis lost its data (Herald's epoch marker is gone: restarted without persistence, failed over to an empty replica, or flushed): " +
          "this process re-queues unfinished deliveries from the store and re-creates feed schedules",
      );
      await this.recover("data-lost");
    }
  }

  private async recover(cause: RecoveryCause): Promise<void> {
    this.owed = cause;
    await this.options.recover(cause);
    this.owed = null;
  }
}

/**
 * A singleton duty run under a {@link Lease}: the process that holds the lease
 * does the duty, every other process is a hot standby that tries to take it
 * every few seconds. Two rules keep it single: whenever the owner cannot
 * confirm its lease (renewal failed, or found the key gone or someone else's),
 * it stops the duty first and only then contends again; and a standby that
 * finds the key absent rather than handed back (expired after a crash — or lost
 * by a Redis that dropped its data while the owner still runs) holds the lease
 * for one renewal round before starting, so a still-running owner has found
 * out and stopped first.
 */
import type { Log } from "../../src/log.ts";
import { type Lease, leaseCommandTimeoutMs, type Taken } from "./lease.ts";

export interface DutySpec {
  /** Stable and secret-free: it is part of a Redis key and shown by `herald status`. */
  name: string;
  /**
   * Starts doing the duty. `lost` is for a duty that stops by itself (a poller
   * refused for good, a gateway closed for good): the lease is then handed back.
   */
  start(lost: (reason: string) => void): Promise<void>;
  /** Stops doing the duty; resolves once it has stopped. */
  stop(): Promise<void>;
}

export interface DutyTimings {
  /** How long a lease outlives its owner's last renewal. */
  ttlMs: number;
  renewMs: number;
  /** How often a standby tries to take the duty. */
  retryMs: number;
  /** How long a lease taken from an absent key is held before starting: one renewal round of a possible old owner, and its answer. */
  settleMs: number;
}

/** Failover after a SIGKILL within ttl + retry + settle (≈ 22.5 s, plus the duty's start); a clean shutdown hands over within one retry. */
export const DEFAULT_DUTY_TIMINGS: DutyTimings = {
  ttlMs: 15_000,
  renewMs: 3_000,
  retryMs: 2_500,
  settleMs: 3_000 + leaseCommandTimeoutMs(15_000),
};

type State = "standby" | "owner";

export class Duty {
  #state: State = "standby";
  #ended = false;
  /** When the last renewal Redis confirmed was sent (the lease runs at least ttlMs from then). */
  #confirmedAt = 0;
  #retrySoon = false;
  #timer: NodeJS.Timeout | null = null;
  /** Every transition runs on this chain, so a renewal never races a stop. */
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly spec: DutySpec,
    private readonly lease: Lease,
    private readonly log: Log,
    private readonly timings: DutyTimings,
  ) {}

  get owned(): boolean {
    return this.#state === "owner";
  }

  /**
   * The first try, at start: a duty taken here that fails to start fails the
   * caller (a bad bot token stops `herald start`). Then keeps renewing or contending.
   */
  async begin(): Promise<void> {
    await this.#serial(() => this.#contend(true));
    this.#next();
  }

  /** Stops the duty if this process does it and hands the lease back at once. */
  async end(): Promise<void> {
    this.#ended = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#serial(async () => {
      if (this.#state === "owner") await this.#stopAndRelease();
    });
  }

  #serial(step: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(step);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #next(delayMs = this.#state === "owner" && !this.#retrySoon ? this.timings.renewMs : this.timings.retryMs): void {
    this.#retrySoon = false;
    if (this.#ended) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      void this.#serial(() => (this.#state === "owner" ? this.#renew() : this.#contend(false))).finally(() =>
        this.#next(),
      );
    }, delayMs);
    // The HTTP server and workers keep the process alive; a lease timer must not.
    this.#timer.unref();
  }

  async #contend(failLoudly: boolean): Promise<void> {
    if (this.#state !== "standby" || this.#ended) return;
    let taken: Taken | null = null;
    const sentAt = performance.now();
    try {
      taken = await this.lease.acquire();
    } catch (error) {
      if (failLoudly) throw error;
      return; // Redis away: nobody can take it; try again later.
    }
    if (!taken) {
      // At debug: a standby says so every retry, which shows it is alive and deferring (tests count these).
      this.log.debug({ duty: this.spec.name }, "fleet: standing by; another process holds the duty");
      return;
    }
    this.#confirmedAt = sentAt;
    this.#state = "owner";
    // Settling and starting can outlast the lease (a big folder's first scan, a slow gateway
    // login); renewals wait on the chain meanwhile, so this keeps the lease alive until they resume.
    const keepAlive = setInterval(() => void this.lease.renew().catch(() => false), this.timings.renewMs);
    try {
      // At `herald start` there is no time to lose and no owner of ours is likely running yet.
      if (taken === "absent" && !failLoudly && !(await this.#settled())) {
        // Ending meanwhile (or the lease was lost again): hand it back if it is still ours.
        this.#state = "standby";
        await this.lease.release().catch(() => undefined);
        return;
      }
      await this.spec.start((reason) => this.#lost(reason));
      this.log.info({ duty: this.spec.name }, "fleet: took the duty");
    } catch (error) {
      this.#state = "standby";
      await this.spec.stop().catch(() => undefined);
      await this.lease.release().catch(() => undefined);
      if (failLoudly) throw error;
      this.log.error(
        { duty: this.spec.name, err: (error as Error).message },
        "fleet: took the duty but could not start it; handed it back",
      );
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Holds a lease taken from an absent key for {@link DutyTimings.settleMs}; true if it is still ours after. */
  async #settled(): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, this.timings.settleMs));
    return !this.#ended && (await this.lease.renew().catch(() => false));
  }

  async #renew(): Promise<void> {
    const sentAt = performance.now();
    let answer: boolean | Error;
    try {
      answer = await this.lease.renew();
    } catch (error) {
      answer = error as Error;
    }
    if (answer === true) {
      this.#confirmedAt = sentAt;
      return;
    }
    // Unanswered (Redis slow or away) while the lease surely still runs — under half its TTL since
    // the last confirmed renewal — is retried soon; past that, or found taken, the duty stops:
    // a short gap is better than two owners.
    const unconfirmedMs = performance.now() - this.#confirmedAt;
    if (answer instanceof Error && unconfirmedMs < this.timings.ttlMs / 2) {
      this.#retrySoon = true;
      return;
    }
    const reason =
      answer instanceof Error ? `renewal failed: ${answer.message}` : "another process holds it now (or Redis lost it)";
    this.log.warn(
      { duty: this.spec.name, reason },
      "fleet: lease not renewed; stopping the duty before contending again",
    );
    await this.#stopAndRelease();
  }

  /** The duty stopped by itself: hand it back so this or another process can take it again. */
  #lost(reason: string): void {
    void this.#serial(async () => {
      if (this.#state !== "owner") return;
      this.log.warn(
        { duty: this.spec.name, reason },
        "fleet: the duty stopped by itself; handing it back to be taken again",
      );
      await this.#stopAndRelease();
      // Other processes get the first chance; this one tries again after two retries.
      this.#next(this.timings.retryMs * 2);
    });
  }

  async #stopAndRelease(): Promise<void> {
    try {
      await this.spec.stop();
    } catch (error) {
      this.log.warn({ duty: this.spec.name, err: (error as Error).message }, "fleet: stopping the duty failed");
    }
    this.#state = "standby";
    await this.lease.release().catch(() => undefined);
  }
}

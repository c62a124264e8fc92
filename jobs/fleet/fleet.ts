import type { Redis } from "ioredis";
import type { Log } from "../../src/log.ts";
import { DEFAULT_DUTY_TIMINGS, Duty, type DutySpec, type DutyTimings } from "./duty.ts";
import { Lease, leaseKey, newOwnerId } from "./lease.ts";

/** The singleton duties one process contends for, each under its own lease. */
export class Fleet {
  readonly ownerId = newOwnerId();
  readonly #duties: Duty[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Log,
    private readonly timings: DutyTimings = DEFAULT_DUTY_TIMINGS,
  ) {}

  /** Takes the duty now if nobody holds it (a start failure is thrown), else stands by for it. */
  async run(spec: DutySpec): Promise<void> {
    const duty = new Duty(
      spec,
      new Lease(this.redis, leaseKey(this.prefix, spec.name), this.ownerId, this.timings.ttlMs),
      this.log,
      this.timings,
    );
    // Listed before it begins, so end() also covers a duty whose first start failed half-way.
    this.#duties.push(duty);
    await duty.begin();
  }

  /** Names of the duties this process does right now. */
  owned(): string[] {
    return this.#duties.filter((d) => d.owned).map((d) => d.spec.name);
  }

  /** Every duty this process contends for, and whether it does it right now (for GET /metrics). */
  duties(): { name: string; owned: boolean }[] {
    return this.#duties.map((d) => ({ name: d.spec.name, owned: d.owned }));
  }

  /** Stops every duty this process does and hands the leases back, so standbys take over at once. */
  async end(): Promise<void> {
    await Promise.all(this.#duties.splice(0).map((d) => d.end()));
  }
}

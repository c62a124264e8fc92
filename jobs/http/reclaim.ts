import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Refused or unauthenticated requests that make a burst worth a collection afterwards. */
const BURST = 200;
/** Quiet time after the last one before collecting. */
const QUIET_MS = 1000;

/**
 * Gives memory back after a flood of refused requests. V8 collects garbage
 * when JavaScript allocates, so a process that goes quiet after a flood keeps
 * what the flood left behind — up to ~64 MB of socket read buffers below
 * V8's external-memory trigger, plus the requests' objects — for as long as
 * it stays quiet. Once a burst of at least 200 refusals has been followed by
 * a second of quiet, one full collection runs (tens of milliseconds, at most
 * once per burst). Without a `gc` function to call (flags frozen), it does nothing.
 */
export class FloodReclaimer {
  private count = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly collect: (() => void) | null;

  constructor(collect: (() => void) | null = exposedGc()) {
    this.collect = collect;
  }

  /** One refused or unauthenticated request has finished. */
  note(): void {
    if (!this.collect) return;
    this.count++;
    if (this.count < BURST) return;
    if (this.timer) this.timer.refresh();
    else {
      this.timer = setTimeout(() => this.run(), QUIET_MS);
      this.timer.unref();
    }
  }

  private run(): void {
    this.timer = null;
    this.count = 0;
    this.collect?.();
  }
}

/** V8's gc(), made callable without starting node with --expose-gc. */
function exposedGc(): (() => void) | null {
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

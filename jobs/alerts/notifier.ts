import type { Queue } from "bullmq";
import type { HeraldConfig } from "../../config/schema.ts";
import { type AlertNotice, type AlertSubject, alertKey } from "../../src/alerts/subject.ts";
import type { Store } from "../../src/store/index.ts";
import type { Logger } from "../log.ts";

/** How long a process trusts that a destination it delivered to is not flagged before reading the flag again. */
const FLAG_RECHECK_MS = 60_000;

/**
 * Turns what the pipeline sees (a poll failed, a destination refused Herald, a delivery
 * given up, the queue backing up, and each of these working again) into alert messages.
 * The store decides: each open, repeat and close is one atomic step there, so across the
 * fleet exactly one process wins each transition and only that one queues the message
 * (an `alert` job with an id derived from the transition, retried by BullMQ with backoff).
 *
 * Alerts never disturb what they watch: every method logs a failure and returns.
 * Without `alerts:` in the config every method does nothing.
 */
export class AlertNotifier {
  /** Destinations this process saw flagged, or last found unflagged at the time given. */
  private readonly flagChecks = new Map<string, number | "flagged">();

  constructor(
    private readonly store: Store,
    private readonly queue: Queue<AlertNotice>,
    private readonly config: HeraldConfig["alerts"],
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.config !== undefined;
  }

  /** `subject` is broken for `reason`: alert once, then again at most every `alerts.repeat`. */
  async problem(subject: AlertSubject, reason: string): Promise<void> {
    if (!this.config) return;
    const at = this.now();
    await this.guard(subject, async () => {
      const change = await this.store.openAlert(alertKey(subject), reason, {
        at: new Date(at).toISOString(),
        // A full repeat interval after the last message is due again (ISO strings compare with `<`).
        repeatBefore: new Date(at - (this.config?.repeat ?? 0) + 1).toISOString(),
      });
      if (change) await this.queueNotice({ subject, transition: change.kind, reason: change.alert.reason, since: change.alert.openedAt, at: change.alert.lastNotifiedAt });
    });
  }

  /** `subject` works again: one recovery message if it had an open alert, else nothing. */
  async resolved(subject: AlertSubject): Promise<void> {
    if (!this.config) return;
    await this.guard(subject, async () => {
      const closed = await this.store.closeAlert(alertKey(subject), { at: new Date(this.now()).toISOString() });
      if (closed) await this.queueNotice({ subject, transition: "recovered", reason: closed.reason, since: closed.openedAt, at: closed.closedAt ?? closed.lastNotifiedAt });
    });
  }

  /** A poll's outcome, with how many polls in a row have failed now: alerts from `alerts.after` on, recovers on a success. */
  async feedPolled(feedId: string, failedInARow: number, error: string | null): Promise<void> {
    if (!this.config) return;
    if (failedInARow === 0) await this.resolved({ kind: "feed", feedId });
    else if (failedInARow >= this.config.after && error !== null) await this.problem({ kind: "feed", feedId }, error);
  }

  /** A destination was flagged (permission lost, channel deleted, webhook revoked). */
  async destinationFlagged(destinationId: string, reason: string): Promise<void> {
    this.flagChecks.set(destinationId, "flagged");
    await this.problem({ kind: "destination", destinationId }, reason);
  }

  /**
   * A delivery to `destinationId` succeeded: a flag on it is out of date, so it is cleared
   * and the destination's alert recovers. The flag is read again at most once a minute per
   * destination (at once after this process flagged it), not on every delivery.
   */
  async deliveredTo(destinationId: string): Promise<void> {
    const checked = this.flagChecks.get(destinationId);
    if (typeof checked === "number" && this.now() - checked < FLAG_RECHECK_MS) return;
    this.flagChecks.set(destinationId, this.now());
    await this.guard({ kind: "destination", destinationId }, async () => {
      if (!(await this.store.getDestination(destinationId))?.flaggedReason) return;
      await this.store.clearDestinationFlag(destinationId);
      this.log.info({ destinationId }, "a delivery succeeded; the destination's flag is cleared");
      await this.resolved({ kind: "destination", destinationId });
    });
  }

  private async queueNotice(notice: AlertNotice): Promise<void> {
    const jobId = alertJobId(notice);
    await this.queue.add("alert", notice, { jobId });
    this.log[notice.transition === "recovered" ? "info" : "warn"]({ alert: alertKey(notice.subject), transition: notice.transition, reason: notice.reason, jobId }, "health alert");
  }

  private async guard(subject: AlertSubject, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log.error({ alert: alertKey(subject), err: error instanceof Error ? error.message : String(error) }, "cannot record or queue a health alert");
    }
  }
}

/** One job per transition: the same transition queued twice (a retried caller) stays one message. BullMQ ids cannot hold ':'. */
export function alertJobId(notice: AlertNotice): string {
  return `alert.${encodeURIComponent(alertKey(notice.subject))}.${notice.transition}.${Date.parse(notice.at)}`;
}

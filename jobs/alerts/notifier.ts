import type { Queue } from "bullmq";
import type { HeraldConfig } from "../../config/schema.ts";
import { type AlertNotice, type AlertSubject, alertKey } from "../../src/alerts/subject.ts";
import type { Log } from "../../src/log.ts";
import type { Store } from "../../src/store/index.ts";

/** How long a process trusts its list of flagged destinations before reading it again. */
const FLAGS_REREAD_MS = 60_000;

/**
 * Turns what the pipeline sees (a poll failed, a destination refused Herald, a delivery
 * given up, the queue backing up, and each of these working again) into alert messages.
 * The store decides: each open, repeat and close is one atomic step there, so across the
 * fleet exactly one process wins each transition and only that one queues the message
 * (an `alert` job with an id derived from the transition, retried by BullMQ with backoff).
 *
 * Alerts never disturb what they watch: every method logs a failure and returns.
 * Without `alerts:` in the config nothing is recorded or sent; a successful delivery
 * still clears its destination's out-of-date flag.
 */
export class AlertNotifier {
  /** The flagged destinations as last read (plus those this process flagged since), shared by concurrent readers. */
  private flagged: { ids: Promise<Set<string>>; readAt: number } | null = null;

  constructor(
    private readonly store: Store,
    private readonly queue: Queue<AlertNotice>,
    private readonly config: HeraldConfig["alerts"],
    private readonly log: Log,
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
      if (change)
        await this.queueNotice({
          subject,
          transition: change.kind,
          reason: change.alert.reason,
          since: change.alert.openedAt,
          at: change.alert.lastNotifiedAt,
        });
    });
  }

  /** `subject` works again: one recovery message if it had an open alert, else nothing. */
  async resolved(subject: AlertSubject): Promise<void> {
    if (!this.config) return;
    await this.guard(subject, async () => {
      const closed = await this.store.closeAlert(alertKey(subject), { at: new Date(this.now()).toISOString() });
      if (closed)
        await this.queueNotice({
          subject,
          transition: "recovered",
          reason: closed.reason,
          since: closed.openedAt,
          at: closed.closedAt ?? closed.lastNotifiedAt,
        });
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
    if (this.flagged)
      await this.flagged.ids.then(
        (ids) => ids.add(destinationId),
        () => undefined,
      );
    await this.problem({ kind: "destination", destinationId }, reason);
  }

  /**
   * A delivery to `destinationId` succeeded: a flag on it is out of date, so it is cleared
   * and the destination's alert recovers. Checked against this process's list of flagged
   * destinations, read once a minute (one query, not one per delivery: fan-outs are hot);
   * a destination this process flagged is in it at once, one another process flagged within a minute.
   */
  async deliveredTo(destinationId: string): Promise<void> {
    await this.guard({ kind: "destination", destinationId }, async () => {
      const flagged = await this.flaggedDestinations();
      if (!flagged.has(destinationId)) return;
      flagged.delete(destinationId);
      await this.store.clearDestinationFlag(destinationId);
      this.log.info({ destinationId }, "a delivery succeeded; the destination's flag is cleared");
      await this.resolved({ kind: "destination", destinationId });
    });
  }

  private flaggedDestinations(): Promise<Set<string>> {
    if (!this.flagged || this.now() - this.flagged.readAt >= FLAGS_REREAD_MS) {
      const ids = this.store.listDestinations({ flagged: true }).then((flagged) => new Set(flagged.map((d) => d.id)));
      this.flagged = { ids, readAt: this.now() };
      // A failed read is tried again by the next delivery, not trusted for a minute.
      ids.catch(() => {
        if (this.flagged?.ids === ids) this.flagged = null;
      });
    }
    return this.flagged.ids;
  }

  private async queueNotice(notice: AlertNotice): Promise<void> {
    const jobId = alertJobId(notice);
    await this.queue.add("alert", notice, { jobId });
    this.log[notice.transition === "recovered" ? "info" : "warn"](
      { alert: alertKey(notice.subject), transition: notice.transition, reason: notice.reason, jobId },
      "health alert",
    );
  }

  private async guard(subject: AlertSubject, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log.error(
        { alert: alertKey(subject), err: error instanceof Error ? error.message : String(error) },
        "cannot record or queue a health alert",
      );
    }
  }
}

/** One job per transition: the same transition queued twice (a retried caller) stays one message. BullMQ ids cannot hold ':'. */
export function alertJobId(notice: AlertNotice): string {
  return `alert.${encodeURIComponent(alertKey(notice.subject))}.${notice.transition}.${Date.parse(notice.at)}`;
}

import type { Queue } from "bullmq";
import type { HeraldConfig } from "../../config/schema.ts";
import type { Store } from "../../src/store/index.ts";
import type { AlertNotifier } from "./notifier.ts";

/** The maintenance queue's job (and job scheduler id) that looks for a stuck delivery queue and stale destination alerts. */
export const CHECK_ALERTS_JOB = "check-alerts";

/** Often enough to notice a backlog soon after it passes `alerts.backlogAge`, at most once a minute. */
export function checkAlertsEveryMs(alerts: NonNullable<HeraldConfig["alerts"]>): number {
  return Math.min(60_000, Math.max(1000, Math.floor(alerts.backlogAge / 2)));
}

/** Keeps the `check-alerts` job scheduler as the config says: every {@link checkAlertsEveryMs} with `alerts:`, none without. */
export async function scheduleAlertChecks(maintenanceQueue: Queue, alerts: HeraldConfig["alerts"]): Promise<void> {
  if (alerts)
    await maintenanceQueue.upsertJobScheduler(
      CHECK_ALERTS_JOB,
      { every: checkAlertsEveryMs(alerts) },
      { name: CHECK_ALERTS_JOB },
    );
  else await maintenanceQueue.removeJobScheduler(CHECK_ALERTS_JOB);
}

/**
 * One periodic look, done by one process of the fleet (the maintenance queue's job scheduler):
 * the delivery queue's oldest waiting job older than `alerts.backlogAge` opens the backlog
 * alert, a younger one (or none) closes it; a destination whose flag someone cleared
 * (an operator, another process's successful delivery) gets its recovery message; and
 * the alert of a feed removed or paused meanwhile closes quietly.
 */
export async function checkAlerts(
  deliverQueue: Queue,
  store: Store,
  notifier: AlertNotifier,
  alerts: NonNullable<HeraldConfig["alerts"]>,
  now = Date.now(),
): Promise<void> {
  const backlog = { kind: "backlog", queue: deliverQueue.name } as const;
  // Oldest first: the wait list's tail is the job that has waited longest.
  const [oldest] = await deliverQueue.getJobs(["wait"], 0, 0, true);
  const waitedMs = oldest ? now - oldest.timestamp : 0;
  if (oldest && waitedMs > alerts.backlogAge) {
    const waiting = await deliverQueue.getWaitingCount();
    await notifier.problem(
      backlog,
      `the oldest waiting delivery was queued ${roughly(waitedMs)} ago; ${waiting} waiting in all (alerts.backlogAge is ${roughly(alerts.backlogAge)})`,
    );
  } else {
    await notifier.resolved(backlog);
  }
  // A feed removed or paused while broken was someone's decision: its alert closes without a "works again".
  for (const alert of await store.listOpenAlerts("feed:")) {
    const feed = await store.getFeed(alert.key.slice("feed:".length));
    if (!feed || feed.paused) await store.closeAlert(alert.key);
  }
  for (const alert of await store.listOpenAlerts("destination:")) {
    const destinationId = alert.key.slice("destination:".length);
    const destination = await store.getDestination(destinationId);
    if (!destination?.flaggedReason) await notifier.resolved({ kind: "destination", destinationId });
  }
}

/** 90 s → "90 s", 12.4 min → "12 min", 5 h → "5 h". */
function roughly(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

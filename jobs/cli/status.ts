import { parseArgs } from "node:util";
import type { Queue } from "bullmq";
import { loadConfig } from "../../config/load.ts";
import { listLeases } from "../fleet/lease.ts";
import { expectedDuties } from "../fleet/names.ts";
import { createRuntime, type Runtime } from "../runtime.ts";
import { shown } from "./shown.ts";

/** What `herald status` reports; `--json` prints it as is, for scripts. */
export interface StatusReport {
  /** Per queue: job counts, and the processes (`host:pid`) whose workers take its jobs — null when Redis refuses CLIENT LIST. */
  queues: Record<
    string,
    { waiting: number; active: number; delayed: number; completed: number; failed: number; workers: string[] | null }
  >;
  /** Deliveries in the store by state. */
  deliveries: Record<string, number>;
  /** The latest deliveries, newest first. */
  latest: {
    updatedAt: string;
    state: string;
    destinationId: string;
    articleId: string;
    version: number;
    title: string;
    error: string | null;
    messageId: string | null;
  }[];
  flagged: { destinationId: string; reason: string }[];
  /** Health alerts still open (see `alerts:`), by key. */
  alerts: { key: string; reason: string; since: string }[];
  /** Every singleton duty across the fleet; `owner` is null when no process holds it. */
  duties: { name: string; owner: { host: string; pid: string; since: string } | null }[];
}

export async function runStatus(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string", short: "c" },
      limit: { type: "string", short: "n", default: "20" },
      json: { type: "boolean" },
    },
  });
  const config = loadConfig(values.config);
  const runtime = await createRuntime(config);
  try {
    const report = await collectStatus(runtime, Number(values.limit));
    if (values.json) console.log(JSON.stringify(report));
    else printStatus(report);
  } finally {
    await runtime.close(0);
  }
  return 0;
}

async function collectStatus(runtime: Runtime, limit: number): Promise<StatusReport> {
  const queues: StatusReport["queues"] = {};
  for (const queue of [
    runtime.ingestQueue,
    runtime.deliverQueue,
    runtime.pollQueue,
    runtime.maintenanceQueue,
    runtime.alertQueue,
  ]) {
    const c = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed", "prioritized");
    queues[queue.name] = {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
      workers: await takenBy(queue),
    };
  }
  const latest: StatusReport["latest"] = [];
  for (const d of await runtime.store.listRecentDeliveries(limit)) {
    const title = (await runtime.store.getArticleVersion(d.articleId, d.version))?.article.title ?? d.articleId;
    latest.push({
      updatedAt: d.updatedAt,
      state: d.state,
      destinationId: shown(d.destinationId),
      articleId: d.articleId,
      version: d.version,
      title: shown(title),
      error: d.state === "failed" ? shown(d.lastError ?? "") : null,
      messageId: d.platformMessageId === null ? null : shown(d.platformMessageId),
    });
  }
  const flagged = (await runtime.store.listDestinations({ flagged: true })).map((d) => ({
    destinationId: shown(d.id),
    reason: shown(d.flaggedReason ?? ""),
  }));
  const alerts = (await runtime.store.listOpenAlerts()).map((a) => ({
    key: shown(a.key),
    reason: shown(a.reason),
    since: a.openedAt,
  }));
  return {
    queues,
    deliveries: await runtime.store.countByState(),
    latest,
    flagged,
    alerts,
    duties: await duties(runtime),
  };
}

/**
 * Which processes take a queue's jobs, i.e. run its role (ingest and poll: `ingest`, deliver:
 * `deliver`, maintenance: `sources`), from the workers' Redis client names. Some managed Redis
 * services refuse CLIENT LIST; then null.
 */
async function takenBy(queue: Queue): Promise<string[] | null> {
  const clients = await queue.getWorkers().catch(() => null);
  if (!clients || clients.some((c) => c.rawname === undefined)) return null;
  return clients.map((c) => shown(c.rawname?.split(":w:")[1] ?? "unnamed")).sort();
}

/** Who does each singleton duty across the fleet, and since when. */
async function duties(runtime: Runtime): Promise<StatusReport["duties"]> {
  const holders = await listLeases(runtime.connection, runtime.config.redis.prefix);
  const names = [...new Set([...expectedDuties(runtime.config), ...holders.keys()])];
  return names.map((name) => {
    const holder = holders.get(name);
    if (!holder) return { name: shown(name), owner: null };
    // Owner ids are host:pid:random; host names may contain colons (IPv6), so split from the right.
    const parts = holder.owner.split(":");
    return {
      name: shown(name),
      owner: { host: shown(parts.slice(0, -2).join(":")), pid: shown(parts.at(-2) ?? ""), since: shown(holder.since) },
    };
  });
}

function printStatus(report: StatusReport): void {
  console.log("Queues");
  for (const [name, c] of Object.entries(report.queues)) {
    const workers =
      c.workers === null
        ? "workers unknown (CLIENT LIST refused)"
        : `workers ${c.workers.length}${c.workers.length ? ` (${c.workers.join(", ")})` : ""}`;
    console.log(
      `  ${name.padEnd(11)} waiting ${c.waiting}  active ${c.active}  delayed ${c.delayed}  completed ${c.completed}  failed ${c.failed}  ${workers}`,
    );
  }
  console.log(
    `\nDeliveries: ${Object.entries(report.deliveries)
      .map(([state, n]) => `${state} ${n}`)
      .join(", ")}`,
  );
  for (const d of report.latest) {
    const detail = d.error !== null ? ` — ${d.error}` : d.messageId ? ` (message ${d.messageId})` : "";
    console.log(
      `  ${d.updatedAt}  ${d.state.padEnd(9)} ${d.destinationId.padEnd(16)} ${d.title.slice(0, 60)}${detail}`,
    );
  }
  for (const d of report.flagged) console.log(`\nDestination ${d.destinationId} is flagged: ${d.reason}`);
  for (const a of report.alerts) console.log(`\nAlert ${a.key} open since ${a.since}: ${a.reason}`);
  console.log("\nDuties (one owner across the fleet)");
  for (const duty of report.duties) {
    const owner = duty.owner
      ? `${duty.owner.host} pid ${duty.owner.pid} since ${duty.owner.since}`
      : "no owner: no running herald start holds it";
    console.log(`  ${duty.name.padEnd(32)} ${owner}`);
  }
}

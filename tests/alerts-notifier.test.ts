import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import { checkAlerts } from "../jobs/alerts/check.ts";
import { AlertNotifier } from "../jobs/alerts/notifier.ts";
import type { AlertNotice } from "../src/alerts/subject.ts";
import type { Store } from "../src/store/index.ts";
import { deleteKeys, REDIS_URL, silentLog } from "./helpers/pipeline.ts";
import { postgresBackend, type TestDatabase } from "./helpers/store-backends.ts";

const HOUR_MS = 3_600_000;
const T0 = Date.parse("2026-12-05T08:00:00.000Z");
const alerts = configSchema.parse({
  destinations: [{ id: "ops", type: "slack-webhook", url: "https://hooks.example/x" }],
  alerts: { destination: "ops", after: 3 },
}).alerts;

/** Notifiers on one shared PostgreSQL store and one alert queue on the shared Redis (a test-only prefix), as a fleet has them. */
describe("alert notifier: one message per transition, repeats at most per alerts.repeat", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const database: TestDatabase = await postgresBackend.createDatabase();
    cleanups.push(() => database.drop());
    const stores: Store[] = [await database.open(), await database.open()];
    for (const store of stores) cleanups.push(() => store.close());
    const prefix = `herald-test-${randomUUID()}`;
    cleanups.push(() => deleteKeys(prefix));
    const connection = { url: REDIS_URL };
    const alertQueue = new Queue<AlertNotice>("alert", { connection, prefix });
    const deliverQueue = new Queue("deliver", { connection, prefix });
    cleanups.push(
      () => alertQueue.close(),
      () => deliverQueue.close(),
    );
    let now = T0;
    const clock = {
      set: (ms: number) => {
        now = ms;
      },
    };
    const notifiers = stores.map((store) => new AlertNotifier(store, alertQueue, alerts, silentLog, () => now));
    const notices = async () =>
      (await alertQueue.getJobs(["wait"], 0, -1, true)).map((job) => [
        job.data.transition,
        job.data.subject.kind,
        job.data.at,
      ]);
    return { stores, notifiers, alertQueue, deliverQueue, clock, notices };
  }

  it("keeps its state when Redis loses the alert queue's data: no second alert for a feed still broken, one recovery after", async () => {
    const { notifiers, alertQueue, clock, notices } = await setup();
    const [one, two] = notifiers as [AlertNotifier, AlertNotifier];
    await one.feedPolled("hn", 3, "HTTP 500");
    expect(await notices()).toEqual([["opened", "feed", new Date(T0).toISOString()]]);
    // Everything Redis held for the queue is gone, the sent alert's job included.
    await alertQueue.obliterate({ force: true });
    expect(await notices()).toEqual([]);

    clock.set(T0 + HOUR_MS);
    await Promise.all([one.feedPolled("hn", 4, "HTTP 500"), two.feedPolled("hn", 4, "HTTP 500")]);
    expect(await notices()).toEqual([]);
    await two.feedPolled("hn", 0, null);
    expect(await notices()).toEqual([["recovered", "feed", new Date(T0 + HOUR_MS).toISOString()]]);
  });

  it("two processes seeing the same broken feed queue one alert; it repeats a day later, not before, and recovers once", async () => {
    const { notifiers, clock, notices } = await setup();
    const [one, two] = notifiers as [AlertNotifier, AlertNotifier];
    await one.feedPolled("hn", 2, "HTTP 500");
    expect(await notices()).toEqual([]);
    await Promise.all([one.feedPolled("hn", 3, "HTTP 500"), two.feedPolled("hn", 3, "HTTP 500")]);
    expect(await notices()).toEqual([["opened", "feed", new Date(T0).toISOString()]]);

    clock.set(T0 + 23 * HOUR_MS);
    await two.feedPolled("hn", 40, "HTTP 502");
    expect(await notices()).toHaveLength(1);
    clock.set(T0 + 24 * HOUR_MS);
    await Promise.all([one.feedPolled("hn", 41, "HTTP 502"), two.feedPolled("hn", 41, "HTTP 502")]);
    expect((await notices()).at(-1)).toEqual(["repeated", "feed", new Date(T0 + 24 * HOUR_MS).toISOString()]);

    clock.set(T0 + 25 * HOUR_MS);
    await Promise.all([one.feedPolled("hn", 0, null), two.feedPolled("hn", 0, null)]);
    await one.feedPolled("hn", 0, null);
    expect(await notices()).toEqual([
      ["opened", "feed", new Date(T0).toISOString()],
      ["repeated", "feed", new Date(T0 + 24 * HOUR_MS).toISOString()],
      ["recovered", "feed", new Date(T0 + 25 * HOUR_MS).toISOString()],
    ]);
  });

  it("the periodic check alerts on a delivery queue whose oldest waiting job is older than alerts.backlogAge, and recovers when it moves", async () => {
    const { stores, notifiers, deliverQueue, notices } = await setup();
    const [store] = stores as [Store];
    const [notifier] = notifiers as [AlertNotifier];
    const job = await deliverQueue.add("deliver", { articleId: "a", version: 1, destinationId: "d" });
    if (!alerts) throw new Error("alerts config missing");
    const { backlogAge } = alerts;
    await checkAlerts(deliverQueue, store, notifier, alerts, job.timestamp + backlogAge);
    expect(await notices()).toEqual([]);
    await checkAlerts(deliverQueue, store, notifier, alerts, job.timestamp + backlogAge + 1);
    await checkAlerts(deliverQueue, store, notifier, alerts, job.timestamp + backlogAge + 2);
    expect((await notices()).map(([transition, kind]) => [transition, kind])).toEqual([["opened", "backlog"]]);
    expect((await store.getAlert("backlog:deliver"))?.reason).toMatch(
      /^the oldest waiting delivery was queued 10 min ago; 1 waiting in all \(alerts\.backlogAge is 10 min\)$/,
    );

    await job.remove();
    await checkAlerts(deliverQueue, store, notifier, alerts, job.timestamp + backlogAge + 3);
    expect((await notices()).map(([transition, kind]) => [transition, kind])).toEqual([
      ["opened", "backlog"],
      ["recovered", "backlog"],
    ]);
  });

  it("the periodic check recovers a destination whose flag someone cleared", async () => {
    const { stores, notifiers, deliverQueue, notices } = await setup();
    const [store] = stores as [Store];
    const [notifier] = notifiers as [AlertNotifier];
    await store.upsertDestination({ id: "news", type: "discord", config: {} });
    await store.flagDestination("news", "Missing Permissions (50013)");
    await notifier.destinationFlagged("news", "Missing Permissions (50013)");
    if (!alerts) throw new Error("alerts config missing");
    await checkAlerts(deliverQueue, store, notifier, alerts);
    expect((await notices()).map(([transition, kind]) => [transition, kind])).toEqual([["opened", "destination"]]);
    await store.clearDestinationFlag("news");
    await checkAlerts(deliverQueue, store, notifier, alerts);
    await checkAlerts(deliverQueue, store, notifier, alerts);
    expect((await notices()).map(([transition, kind]) => [transition, kind])).toEqual([
      ["opened", "destination"],
      ["recovered", "destination"],
    ]);
  });

  it("the periodic check quietly closes the alert of a feed removed while broken", async () => {
    const { stores, notifiers, deliverQueue, notices } = await setup();
    const [store] = stores as [Store];
    const [notifier] = notifiers as [AlertNotifier];
    if (!alerts) throw new Error("alerts config missing");
    for (const id of ["gone", "kept"])
      await store.upsertFeed({ id, type: "rss", config: { url: `https://${id}.example/rss` }, destinationIds: [] });
    await notifier.feedPolled("gone", 3, "HTTP 500");
    await notifier.feedPolled("kept", 3, "HTTP 500");
    await store.removeFeed("gone");
    await checkAlerts(deliverQueue, store, notifier, alerts);
    expect((await store.listOpenAlerts("feed:")).map((a) => a.key)).toEqual(["feed:kept"]);
    expect((await notices()).map(([transition, kind]) => [transition, kind])).toEqual([
      ["opened", "feed"],
      ["opened", "feed"],
    ]);
  });
});

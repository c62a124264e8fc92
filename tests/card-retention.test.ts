/**
 * Card retention: the daily prune-cards job (a job scheduler on the maintenance queue) deletes cards no
 * article version of the last `cards.retentionDays` uses, and keeps the ones a recent version
 * still shows, however long ago they were rendered.
 */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { PRUNE_CARDS_EVERY_MS, PRUNE_CARDS_JOB } from "../jobs/pipeline/prune-cards.ts";
import { parseRoles } from "../jobs/roles.ts";
import { createRuntime } from "../jobs/runtime.ts";
import { startService } from "../jobs/service.ts";
import type { Article } from "../src/article/types.ts";
import { cardDataFromArticle, cardKey } from "../src/card/index.ts";
import { koreanOutageArticle } from "./fixtures/format/articles.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";

const DAY_MS = 24 * 60 * 60_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

function keyOf(article: Article): string {
  const data = cardDataFromArticle(article);
  if (!data) throw new Error(`fixture ${article.id} has no card`);
  return cardKey(data);
}

/** Another story with its own timeline, so its own card. */
function olderStory(): Article {
  const article = koreanOutageArticle();
  const timeline = article.timeline;
  if (!timeline) throw new Error("fixture has no timeline");
  return {
    ...article,
    id: "older-story",
    url: "https://newsdao.kr/older",
    title: "지난달 장애",
    timeline: { ...timeline, rows: [{ time: "9:00 AM", event: "지난달 장애 발생" }] },
  };
}

describe("card retention", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("the prune-cards job deletes old cards no recent version uses and keeps the ones a recent version uses", async () => {
    const t = testConfig({ cards: { enabled: false, retentionDays: 30 } });
    cleanups.push(t.cleanup);
    const runtime = await createRuntime(t.config, { log: silentLog });
    cleanups.push(() => runtime.close(0));
    const { store } = runtime;
    const recent = koreanOutageArticle();
    const older = olderStory();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const unusedOld = "a".repeat(64);
    const unusedFresh = "b".repeat(64);
    for (const key of [keyOf(recent), keyOf(older), unusedOld, unusedFresh]) await store.putCard(key, png);
    await store.upsertArticle(recent, null);
    await store.upsertArticle(older, null);

    // Back-date: the recent story's card was rendered 40 days ago but a version of today still uses it.
    const db = new Database(t.config.database.path);
    cleanups.push(() => void db.close());
    const backdate = db.prepare("UPDATE cards SET created_at = ? WHERE key = ?");
    for (const key of [keyOf(recent), keyOf(older), unusedOld]) backdate.run(daysAgo(40), key);
    db.prepare("UPDATE article_versions SET created_at = ? WHERE article_id = ?").run(daysAgo(35), older.id);

    runtime.startWorkers();
    const job = await runtime.maintenanceQueue.add(PRUNE_CARDS_JOB, {});
    await waitFor(async () => (await job.isCompleted()) || (await job.isFailed()), 15_000, "prune-cards job");
    expect(await job.isFailed()).toBe(false);

    expect(await store.getCard(keyOf(recent))).not.toBeNull();
    expect(await store.getCard(unusedFresh)).not.toBeNull();
    expect(await store.getCard(keyOf(older))).toBeNull();
    expect(await store.getCard(unusedOld)).toBeNull();
  });

  it("herald start schedules the prune-cards job daily on the maintenance queue; the work queues stay empty", async () => {
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog, roles: parseRoles("sources") });
    cleanups.push(() => service.stop(0));
    const schedulers = await service.runtime.maintenanceQueue.getJobSchedulers();
    expect(schedulers.map((s) => ({ key: s.key, every: Number(s.every) }))).toEqual([
      { key: PRUNE_CARDS_JOB, every: PRUNE_CARDS_EVERY_MS },
    ]);
    // Drain checks ("nothing delayed is left") on the work queues must not see the housekeeping.
    expect(await service.runtime.ingestQueue.getJobCounts("waiting", "delayed")).toMatchObject({
      waiting: 0,
      delayed: 0,
    });
  });
});

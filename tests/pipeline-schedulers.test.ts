import { afterEach, describe, expect, it } from "vitest";
import { parseRoles } from "../jobs/roles.ts";
import { startService } from "../jobs/service.ts";
import { openStore } from "../src/store/index.ts";
import { silentLog, testConfig } from "./helpers/pipeline.ts";

describe("RSS job schedulers shared by several services on one Redis", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("a second service whose store lacks a chat-added feed leaves that feed's scheduler alone", async () => {
    const first = testConfig({ cards: { enabled: false }, destinations: [], feeds: [] });
    cleanups.push(first.cleanup);
    // Added from chat on the first host: it lives only in that host's store.
    const seeding = await openStore({ path: first.config.database.path });
    await seeding.upsertFeed({
      id: "chat-added",
      type: "rss",
      config: { url: "http://127.0.0.1:9/feed.xml", interval: 3_600_000, addedBy: "U0CHAT" },
      destinationIds: [],
    });
    await seeding.close();
    const one = await startService(first.config, { log: silentLog, roles: parseRoles("sources") });
    cleanups.push(() => one.stop(1000));
    const keys = async () => (await one.runtime.pollQueue.getJobSchedulers()).map((s) => s.key);
    expect(await keys()).toEqual(["chat-added"]);

    const second = testConfig({ cards: { enabled: false }, destinations: [], feeds: [], redis: first.config.redis });
    cleanups.push(second.cleanup);
    const two = await startService(second.config, { log: silentLog, roles: parseRoles("sources") });
    cleanups.push(() => two.stop(1000));
    expect(await two.runtime.store.getFeed("chat-added")).toBeNull();
    expect(await keys()).toEqual(["chat-added"]);
  });

  it("removes the scheduler of a feed its store says is paused", async () => {
    const t = testConfig({ cards: { enabled: false }, destinations: [], feeds: [] });
    cleanups.push(t.cleanup);
    const seeding = await openStore({ path: t.config.database.path });
    await seeding.upsertFeed({
      id: "to-pause",
      type: "rss",
      config: { url: "http://127.0.0.1:9/feed.xml", interval: 3_600_000, addedBy: "U0CHAT" },
      destinationIds: [],
    });
    await seeding.close();
    const one = await startService(t.config, { log: silentLog, roles: parseRoles("sources") });
    cleanups.push(() => one.stop(1000));
    expect((await one.runtime.pollQueue.getJobSchedulers()).map((s) => s.key)).toEqual(["to-pause"]);
    await one.runtime.store.setFeedPaused("to-pause", true);
    await one.stop(1000);
    const again = await startService(t.config, { log: silentLog, roles: parseRoles("sources") });
    cleanups.push(() => again.stop(1000));
    expect(await again.runtime.pollQueue.getJobSchedulers()).toEqual([]);
  });

  it("stops polling a feed the admin removed from the config file", async () => {
    const rss = { id: "wire-rss", type: "rss", url: "http://127.0.0.1:9/feed.xml", interval: "1h" };
    const t = testConfig({ cards: { enabled: false }, destinations: [], feeds: [rss] });
    cleanups.push(t.cleanup);
    const one = await startService(t.config, { log: silentLog, roles: parseRoles("sources") });
    expect((await one.runtime.pollQueue.getJobSchedulers()).map((s) => s.key)).toEqual(["wire-rss"]);
    await one.stop(1000);
    const without = testConfig({
      cards: { enabled: false },
      destinations: [],
      feeds: [],
      redis: t.config.redis,
      database: t.config.database,
    });
    cleanups.push(without.cleanup);
    const again = await startService(without.config, { log: silentLog, roles: parseRoles("sources") });
    cleanups.push(() => again.stop(1000));
    expect(await again.runtime.pollQueue.getJobSchedulers()).toEqual([]);
  });
});

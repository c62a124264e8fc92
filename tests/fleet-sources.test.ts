/**
 * Two `herald start` processes with the same directory feed and RSS feed: only the owner watches
 * the folder and keeps the feed schedules. SIGKILL of the owner → the standby takes both over:
 * a post dropped after the kill is posted exactly once, and a job scheduler deleted by hand is
 * re-created (at takeover, and again by the periodic reconcile).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { DiscordFake } from "./fakes/discord/server.ts";
import { heraldQueues, waitForDrained } from "./helpers/drained.ts";
import { type FleetMember, fleetConfigWriter, ownerOf, startMember } from "./helpers/fleet.ts";
import { runHerald } from "./helpers/herald.ts";
import { REDIS_URL, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

describe("a fleet of two herald start processes sharing a directory feed and an RSS feed", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("watches the folder and keeps the schedules from one process; the standby takes both over after a SIGKILL", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const folder = join(t.dir, "_posts");
    mkdirSync(folder);
    writeFileSync(join(folder, "2026-10-01-already-there.md"), plainPost(1));
    const configFor = fleetConfigWriter(t, {
      cards: { enabled: false },
      destinations: [{ id: "hook", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [
        { id: "posts", type: "directory", path: folder, destinations: ["hook"] },
        // Never answers: only its job scheduler matters here.
        { id: "wire-rss", type: "rss", url: "http://127.0.0.1:9/feed.xml", interval: "1h", destinations: ["hook"] },
      ],
    });
    const redis = new Redis(REDIS_URL);
    cleanups.push(() => void redis.disconnect());
    const queues = heraldQueues(redis, t.config.redis.prefix);
    cleanups.push(async () => void (await Promise.all(queues.map((queue) => queue.close()))));
    const schedulers = `${t.config.redis.prefix}:poll:repeat`;
    const scheduled = async () =>
      (await redis.zrange(schedulers, 0, -1)).includes("wire-rss") &&
      (await redis.exists(`${schedulers}:wire-rss`)) === 1;
    const deleteSchedulerByHand = () => redis.multi().zrem(schedulers, "wire-rss").del(`${schedulers}:wire-rss`).exec();

    const members: FleetMember[] = [];
    for (let i = 0; i < 2; i++) {
      // One after the other, so the first holds every duty.
      const member = await startMember(configFor);
      cleanups.push(() => void member.process.kill("SIGKILL"));
      members.push(member);
    }
    const [first, second] = members as [FleetMember, FleetMember];
    expect((await first.duties()).sort()).toEqual(["directory-feed:posts", "feed-schedules"]);
    expect(await second.duties()).toEqual([]);
    await waitFor(scheduled, 10_000, "the RSS feed's scheduler");

    first.process.kill("SIGKILL");
    await first.process.exited;
    // What a Redis that lost its data looks like to the schedules: the scheduler is gone.
    await deleteSchedulerByHand();
    writeFileSync(join(folder, "2026-10-02-after-the-kill.md"), plainPost(2));

    await waitFor(() => discord.messages.length >= 1, 45_000, "the post dropped after the kill");
    expect((await ownerOf([second], "directory-feed:posts", 5000)).process.pid).toBe(second.process.pid);
    await waitFor(scheduled, 30_000, "the standby to re-create the scheduler on taking the duty");

    const status = await runHerald(["status", "--config", configFor(second.port)]);
    expect(status.stdout).toMatch(new RegExp(`directory-feed:posts\\s+\\S+ pid ${second.process.pid} since `));
    expect(status.stdout).toMatch(new RegExp(`feed-schedules\\s+\\S+ pid ${second.process.pid} since `));

    // Deleted while the owner runs: the periodic reconcile (every 30 s) brings it back.
    await deleteSchedulerByHand();
    await waitFor(scheduled, 60_000, "the periodic reconcile to re-create the scheduler");

    // Nothing left to post twice: the work queues are idle and the fake has answered everything. (The
    // RSS feed never answers, so its polls, failing and retrying for a while, can post nothing.)
    await waitForDrained({
      queues: queues.filter((queue) => queue.name === "ingest" || queue.name === "deliver"),
      fakes: [discord],
    });
    expect(discord.messages.map((m) => m.body.embeds?.[0]?.title ?? m.body.content)).toEqual([
      expect.stringContaining("Plain post 2"),
    ]);
  }, 115_000);
});

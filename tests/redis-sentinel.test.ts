import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../jobs/log.ts";
import { parseRoles } from "../jobs/roles.ts";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { lineSink } from "./helpers/log.ts";
import { testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";
import { privateRedis, privateSentinel } from "./helpers/private-redis.ts";

const MASTER = "herald-master";

describe("Redis through Sentinel (a real redis-server --sentinel, a master and its replica)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("delivers through the master the sentinel names, and keeps delivering after the master dies and the replica takes over", async () => {
    const master = await privateRedis("aof");
    const replica = await privateRedis("aof", { replicaOf: master.port });
    cleanups.push(master.cleanup, replica.cleanup);
    const replicaClient = new Redis(replica.url);
    cleanups.push(() => void replicaClient.disconnect());
    await waitFor(
      async () => /master_link_status:up/.test(await replicaClient.info("replication")),
      15_000,
      "the replica to sync",
    );
    const sentinel = await privateSentinel(master.port, MASTER);
    cleanups.push(sentinel.cleanup);

    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const t = testConfig({
      // The URL's host is not used with sentinels: port 1 would refuse a connection.
      redis: {
        url: "redis://127.0.0.1:1/0",
        prefix: "herald",
        sentinels: [{ host: "127.0.0.1", port: sentinel.port }],
        name: MASTER,
      },
      cards: { enabled: false },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [{ id: "inbox", type: "webhook", token: "t", destinations: ["d"] }],
    });
    cleanups.push(t.cleanup);
    const lines: { msg: string }[] = [];
    const service = await startService(t.config, {
      log: createLogger(
        "info",
        lineSink((line) => lines.push(JSON.parse(line))),
      ),
      roles: parseRoles("sources,bots,ingest,deliver"),
    });
    cleanups.push(() => service.stop(3000));
    const { runtime } = service;

    await runtime.ingestQueue.add("ingest", { feedId: "inbox", input: "one.md", kind: "post", raw: plainPost(1) });
    await discord.waitForMessages(1, 15_000);
    const masterClient = new Redis(master.url);
    expect(await masterClient.exists("herald:epoch")).toBe(1);
    masterClient.disconnect();

    await master.stop();
    await waitFor(
      async () => (await replicaClient.info("replication")).includes("role:master"),
      30_000,
      "the sentinel to promote the replica",
    );
    await runtime.ingestQueue.add("ingest", { feedId: "inbox", input: "two.md", kind: "post", raw: plainPost(2) });
    const messages = await discord.waitForMessages(2, 30_000);
    expect(messages.map((m) => m.body.embeds[0].title)).toEqual(["Plain post 1", "Plain post 2"]);
    // The replica had the data (and the epoch marker): a failover to it is not a data loss.
    expect(lines.filter((l) => /^Redis lost its data/.test(l.msg))).toEqual([]);
  }, 90_000);
});

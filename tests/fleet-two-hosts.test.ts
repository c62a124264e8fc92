// Two "hosts": `herald start` processes in separate folders that share no file, only Redis and one
// PostgreSQL database. Deliveries must come out exactly once whichever host ingests or delivers, and
// a host killed mid fan-out must leave nothing undelivered.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../src/store/index.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { discordCommandInteraction, ed25519Signer, publicKeyHex } from "./helpers/discord.ts";
import { heraldQueues, waitForDrained } from "./helpers/drained.ts";
import { type HeraldProcess, spawnHerald } from "./helpers/herald.ts";
import { deleteKeys, REDIS_URL, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";
import { createPgDatabase } from "./helpers/store-backends.ts";

const TOKEN = "fleet-ingest-token";
const DISCORD_TOKEN = "fleet.discord.token";
const CHANNEL = "1260000000000000777";

interface Host {
  name: string;
  process: HeraldProcess;
  base: string;
}

describe("two hosts sharing Redis and a PostgreSQL store", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fleet config: the same for every host but for nothing; each host gets its own copy in its own folder. */
  async function fleet(
    discord: DiscordFake,
    destinations: Record<string, unknown>[],
    delivery: Record<string, unknown>,
    withBot = false,
  ) {
    const db = await createPgDatabase();
    cleanups.push(db.drop);
    const prefix = `herald-fleet-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    cleanups.push(() => deleteKeys(prefix));
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const config = {
      redis: { url: REDIS_URL, prefix },
      database: { url: db.url },
      http: { host: "127.0.0.1", port: 0 },
      ingest: { token: TOKEN },
      cards: { enabled: false },
      delivery,
      log: { level: "info" },
      destinations,
      feeds: [
        {
          id: "inbox",
          type: "webhook",
          baseUrl: "https://news.example.kr",
          destinations: destinations.map((d) => d.id),
        },
      ],
      ...(withBot
        ? { discord: { token: DISCORD_TOKEN, mode: "http", publicKey: publicKeyHex(publicKey), apiUrl: discord.api } }
        : {}),
    };
    const start = async (name: string): Promise<Host> => {
      const dir = mkdtempSync(join(tmpdir(), `herald-${name}-`));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      // JSON is YAML; the host reads it through the real loader, from its own folder.
      writeFileSync(join(dir, "herald.yaml"), JSON.stringify(config));
      const child = spawnHerald(["start", "--config", "herald.yaml"], {}, dir);
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await child.exited;
      });
      const started = await waitFor(
        () =>
          /"port":(\d+)[^\n]*"msg":"herald started"/.exec(child.output()) ??
          (child.exitCode !== null ? Promise.reject(new Error(`${name} exited:\n${child.output()}`)) : null),
        60_000,
        `${name} to start`,
      );
      return { name, process: child, base: `http://127.0.0.1:${started[1]}` };
    };
    const store = await openStore({ url: db.url });
    cleanups.push(() => store.close());
    // The fleet's queues as the hosts see them, to tell when the work they share is done.
    const redis = new Redis(REDIS_URL);
    const queues = heraldQueues(redis, prefix);
    cleanups.push(async () => {
      await Promise.all(queues.map((queue) => queue.close()));
      redis.disconnect();
    });
    const drained = () => waitForDrained({ queues, store, fakes: [discord], timeoutMs: 60_000 });
    return { start, store, drained, signer: ed25519Signer(privateKey) };
  }

  const ingest = (host: Host, body: string) =>
    fetch(`${host.base}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body,
    });

  /** How many posts each (webhook, article) pair received. */
  function postsPerPair(discord: DiscordFake): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of discord.messages) {
      const key = `${m.webhookId} ${JSON.stringify(m.body).match(/Plain post (\d+)/)?.[1] ?? "?"}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  it("200 articles through both hosts' /ingest × 5 webhooks → exactly 1,000 posts, and both hosts' /news search find all 200", async () => {
    const discord = await DiscordFake.start({ botToken: DISCORD_TOKEN });
    cleanups.push(() => discord.close());
    // One webhook posts into the channel the searches are typed in, so that channel's /news sees the feed.
    const destinations = Array.from({ length: 5 }, (_, i) => ({
      id: `hook${i}`,
      type: "discord-webhook",
      url: discord.webhookUrl(),
      ...(i === 0 ? { channelId: CHANNEL } : {}),
    }));
    const { start, store, drained, signer } = await fleet(
      discord,
      destinations,
      { attempts: 5, backoff: "200ms", concurrency: 20, timeout: "5s", lockDuration: "10s" },
      true,
    );
    const hosts = [await start("host-a"), await start("host-b")];

    const ARTICLES = 200;
    for (let n = 0; n < ARTICLES; n++) {
      const res = await ingest(hosts[n % 2]!, plainPost(n, `Unique marker qz${n}x for search.`));
      expect(res.status, await res.text()).toBe(202);
    }
    await waitFor(
      async () => (await store.countByState()).delivered === ARTICLES * 5,
      120_000,
      "1,000 deliveries recorded",
    );
    await drained(); // a late duplicate would have arrived by now

    const pairs = postsPerPair(discord);
    expect(pairs.size).toBe(ARTICLES * 5);
    expect([...pairs.values()].filter((n) => n > 1)).toEqual([]);
    expect(discord.messages).toHaveLength(ARTICLES * 5);
    expect(await store.countByState()).toEqual({ pending: 0, sending: 0, delivered: 1000, failed: 0 });
    // Both hosts did delivery work, whichever host ingested: the shared store is what makes that possible.
    for (const host of hosts) {
      expect(host.process.output()).not.toMatch(/is not stored|database is locked/);
      expect(
        host.process.output().match(/"msg":"delivered"/g)?.length ?? 0,
        `${host.name} delivered nothing`,
      ).toBeGreaterThan(50);
    }

    // /news search on each host finds every article, by a term only that article has.
    for (const host of hosts) {
      const missing: number[] = [];
      for (let n = 0; n < ARTICLES; n += 10) {
        const batch = Array.from({ length: 10 }, (_, k) => n + k);
        await Promise.all(
          batch.map(async (k) => {
            const interaction = discordCommandInteraction({
              command: "news",
              subcommand: "search",
              options: { query: `qz${k}x` },
              channelId: CHANNEL,
              permissions: "2048",
            });
            const ack = await discord.sendInteraction(`${host.base}/discord/interactions`, interaction, signer);
            expect(ack.status).toBe(200);
            const edit = await waitFor(
              () =>
                discord.interactionResponses.find((r) => r.kind === "edit-original" && r.token === interaction.token),
              15_000,
              `the answer to /news search qz${k}x on ${host.name}`,
            );
            if (!JSON.stringify(edit.body).includes(`Plain post ${k}`)) missing.push(k);
          }),
        );
      }
      expect(missing, `${host.name} could not find these articles`).toEqual([]);
    }
  }, 300_000);

  it("SIGKILL of one host mid fan-out to 1,000 webhooks: every webhook gets the post; duplicates ≤ deliveries in flight at the kill", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const DESTINATIONS = 1000;
    const destinations = Array.from({ length: DESTINATIONS }, (_, i) => ({
      id: `d${i}`,
      type: "discord-webhook",
      url: discord.webhookUrl(),
    }));
    // A short lock: the killed host's jobs count as stalled (and go to the other host) within seconds.
    const { start, store, drained } = await fleet(discord, destinations, {
      attempts: 5,
      backoff: "200ms",
      concurrency: 25,
      timeout: "5s",
      lockDuration: "3s",
    });
    const [victim, survivor] = [await start("victim"), await start("survivor")];

    const res = await ingest(victim, plainPost(1));
    expect(res.status, await res.text()).toBe(202);
    await waitFor(
      async () => (await store.countByState()).delivered >= DESTINATIONS * 0.2,
      60_000,
      "a fifth of the fan-out",
    );
    victim.process.kill("SIGKILL");
    await victim.process.exited;
    const atKill = await store.countByState();
    // A send that had left when the process died may or may not have reached Discord: at most those can repeat.
    const inFlight = atKill.sending;

    await waitFor(
      async () => (await store.countByState()).delivered === DESTINATIONS,
      120_000,
      "every delivery recorded after the kill",
    );
    // The victim's sends still active at the kill are retried once they count as stalled: wait for those too.
    await drained();
    const pairs = postsPerPair(discord);
    const duplicates = discord.messages.length - pairs.size;
    expect(pairs.size).toBe(DESTINATIONS);
    expect(duplicates).toBeLessThanOrEqual(inFlight);
    expect(atKill.delivered).toBeLessThan(DESTINATIONS); // the kill really was mid fan-out
    expect(survivor.process.exitCode).toBeNull();
    console.info(
      `SIGKILL mid fan-out: ${atKill.delivered} delivered and ${inFlight} in flight at the kill; ${duplicates} duplicates`,
    );
  }, 300_000);
});

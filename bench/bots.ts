/**
 * Bot fan-out under real rate limits: one article to N Discord channels, N
 * Slack channels and N Telegram chats at once, by a `herald worker` process,
 * against the three fakes with their limits on (Discord: 5 per 5 s per
 * channel, 50/s global; Slack: 1/s per channel, burst 3; Telegram: 30/s
 * overall, 20/min per group). Each chat gets one post, so per-chat limits do
 * not bind; the binding ones are Discord's 50/s and Telegram's 30/s, and the
 * "allowed time" is N / that rate. Slack's fake has no workspace-wide limit
 * (Slack publishes none for chat.postMessage), so nothing binds there and it
 * gets no ratio. Cards are off: one message per post on every platform.
 * Figures: time taken / allowed time (target ≤ 1.1), 429s beyond the first
 * per bucket (target 0), lost posts (target 0).
 * Run alone with `node --import tsx bench/bots.ts`; BENCH_BOTS_PER_PLATFORM,
 * BENCH_BOTS_CONCURRENCY and BENCH_BOTS_PLATFORMS change the sizes.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { type IngestJobData, QueueName } from "../jobs/queues.ts";
import { openStore } from "../src/store/index.ts";
import { DiscordFake, fakeSnowflake } from "../tests/fakes/discord/server.ts";
import { SlackFake } from "../tests/fakes/slack/server.ts";
import { TelegramFake } from "../tests/fakes/telegram/server.ts";
import { REDIS_URL, scratch, seconds, startWorker, type WorkerProcess } from "./harness.ts";
import { heading, isMain, note } from "./lib.ts";

const PER_PLATFORM = Number(process.env.BENCH_BOTS_PER_PLATFORM ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_BOTS_CONCURRENCY ?? 100);
const DISCORD_TOKEN = "bench-discord-bot-token";
const SLACK_TOKEN = "xoxb-bench-slack-token";
const BASE_URL = "https://news.example.kr";

/** Published rates that bind when every chat gets one post (messages per second), or null when none does. */
const BINDING_RATE = { discord: 50, slack: null, telegram: 30 } as const;

type Platform = keyof typeof BINDING_RATE;
/** BENCH_BOTS_PLATFORMS=telegram (comma-separated) runs only those, to see a platform without the others competing for workers. */
const PLATFORMS = (process.env.BENCH_BOTS_PLATFORMS?.split(",") ?? ["discord", "slack", "telegram"]).filter(
  (p): p is Platform => p in BINDING_RATE,
);

const post = (slug: string) => `---
title: "[속보] 전국 결제망 장애, 카드 결제 중단"
categories: [News]
date: 2026-10-14 09:00:00 +0900
permalink: /news/${slug}/
excerpt: >
  전국 결제망에서 장애가 이어지고 있습니다. 주요 은행과 카드사가 복구 작업 중입니다.
---

<p>전국 결제망에서 장애가 이어지고 있습니다.</p>
`;

interface Fakes {
  discord: DiscordFake;
  slack: SlackFake;
  telegram: TelegramFake;
}

/** Chats (channel ids, chat ids) that received a post, per platform, and how many posts arrived. */
function received(fakes: Fakes, platform: Platform, skip: ReadonlySet<string>): { posts: number; chats: Set<string> } {
  const targets =
    platform === "discord"
      ? fakes.discord.messages.map((m) => m.channelId ?? "")
      : platform === "slack"
        ? fakes.slack.messages.map((m) => m.channel)
        : fakes.telegram.sent
            .filter((s) => s.method === "sendMessage" || s.method === "sendPhoto")
            .map((s) => s.chatId);
  const mine = targets.filter((t) => !skip.has(t));
  return { posts: mine.length, chats: new Set(mine) };
}

/** 429s answered, and those beyond the first in each bucket (Discord route+channel or global; Slack channel; Telegram chat). */
function rateLimited(fakes: Fakes, platform: Platform): { total: number; beyondFirst: number } {
  const buckets: ReadonlyMap<string, number> =
    platform === "discord"
      ? fakes.discord.rateLimitHits
      : platform === "slack"
        ? fakes.slack.rateLimitedByChannel
        : fakes.telegram.rateLimitedByChat;
  let total = 0;
  let beyondFirst = 0;
  for (const n of buckets.values()) {
    total += n;
    beyondFirst += Math.max(0, n - 1);
  }
  return { total, beyondFirst };
}

export async function benchBots(): Promise<void> {
  heading("bot fan-out under real rate limits: the platforms at once, `herald worker` process", {
    platforms: PLATFORMS.join(" + "),
    "chats per platform": PER_PLATFORM,
    "delivery.concurrency": CONCURRENCY,
    cards: "off",
  });
  const space = scratch("bots");
  const fakes: Fakes = {
    discord: await DiscordFake.start({ botToken: DISCORD_TOKEN, rateLimits: true }),
    slack: await SlackFake.start({ botToken: SLACK_TOKEN }),
    telegram: await TelegramFake.start({ rateLimits: true }),
  };
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue<IngestJobData>(QueueName.ingest, { connection, prefix: space.prefix });
  let worker: WorkerProcess | null = null;
  try {
    const chats: Record<Platform, string[]> = {
      discord: Array.from({ length: PER_PLATFORM + 1 }, () => fakeSnowflake()),
      slack: Array.from({ length: PER_PLATFORM + 1 }, (_, i) => `C${String(10_000_000 + i)}`),
      telegram: Array.from({ length: PER_PLATFORM + 1 }, (_, i) => `-100${1_000_000_000 + i}`),
    };
    for (const channel of chats.slack) fakes.slack.addChannel(channel);
    const destination = (platform: Platform, i: number) => {
      const id = `${platform}-${i}`;
      const chat = chats[platform][i] as string;
      if (platform === "discord") return { id, type: "discord", channelId: chat };
      if (platform === "slack") return { id, type: "slack", channel: chat };
      return { id, type: "telegram", chatId: chat };
    };
    // Chat 0 of each platform is for the warm-up post; jobs are queued platform by platform in turn.
    const warmIds = PLATFORMS.map((p) => `${p}-0`);
    const benchIds = Array.from({ length: PER_PLATFORM }, (_, i) => PLATFORMS.map((p) => `${p}-${i + 1}`)).flat();
    worker = startWorker(space, {
      cards: { enabled: false },
      ingest: { token: "bench-ingest-token" },
      delivery: { concurrency: CONCURRENCY },
      discord: { token: DISCORD_TOKEN, mode: "none", apiUrl: fakes.discord.api },
      slack: { botToken: SLACK_TOKEN, signingSecret: "bench-signing-secret", mode: "http", apiUrl: fakes.slack.apiUrl },
      telegram: {
        token: fakes.telegram.token,
        mode: "webhook",
        webhookSecret: "bench_webhook_secret",
        apiUrl: fakes.telegram.apiRoot,
      },
      destinations: PLATFORMS.flatMap((p) => Array.from({ length: PER_PLATFORM + 1 }, (_, i) => destination(p, i))),
      feeds: [
        { id: "warm", type: "webhook", baseUrl: BASE_URL, destinations: warmIds },
        { id: "bots", type: "webhook", baseUrl: BASE_URL, destinations: benchIds },
      ],
    });

    const warmChats = new Set(PLATFORMS.map((p) => chats[p][0] as string));
    const none = new Set<string>();
    await queue.add("ingest", { feedId: "warm", input: "bench/warm", kind: "post", raw: post("warm") });
    await waitFor(
      () => PLATFORMS.every((p) => received(fakes, p, none).posts >= 1),
      120_000,
      "the warm-up posts",
      worker,
    );
    // Let the global windows and buckets the warm-up used refill.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const hitsBefore = Object.fromEntries(PLATFORMS.map((p) => [p, rateLimited(fakes, p).total]));

    const started = performance.now();
    const firstAt: Partial<Record<Platform, number>> = {};
    const doneAt: Partial<Record<Platform, number>> = {};
    await queue.add("ingest", { feedId: "bots", input: "bench/bots", kind: "post", raw: post("bots") });
    const allowedMs = Math.max(0, ...PLATFORMS.map((p) => allowed(p)));
    const deadline = started + 3 * allowedMs + 60_000;
    while (performance.now() < deadline && PLATFORMS.some((p) => doneAt[p] === undefined)) {
      if (!worker.alive()) throw new Error(`the worker exited mid-run. Its output:\n${worker.output().slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      const now = performance.now() - started;
      for (const p of PLATFORMS) {
        const n = received(fakes, p, warmChats).chats.size;
        if (n > 0) firstAt[p] ??= now;
        if (n >= PER_PLATFORM) doneAt[p] ??= now;
      }
    }
    const elapsed = performance.now() - started;
    await worker.stop();
    worker = null;

    const store = await openStore({ path: space.dbPath });
    const states = await store.countByState();
    await store.close();

    for (const p of PLATFORMS) {
      const { posts, chats: reached } = received(fakes, p, warmChats);
      const limited = rateLimited(fakes, p);
      const taken = doneAt[p];
      const allowedFor = allowed(p);
      const ratio = taken !== undefined && allowedFor > 0 ? (taken / allowedFor).toFixed(2) : "n/a";
      console.log(
        `bots ${p}: ${taken === undefined ? `NOT DONE after ${seconds(elapsed)}` : `all ${PER_PLATFORM} in ${seconds(taken)}`} | ` +
          `allowed ${allowedFor > 0 ? `${seconds(allowedFor)} (${PER_PLATFORM} at ${BINDING_RATE[p]}/s)` : "— (no shared limit binds)"} | ` +
          `ratio ${ratio} (target ≤ 1.1) | 429s ${limited.total} (warm-up ${hitsBefore[p]}), beyond the first per bucket ${limited.beyondFirst} (target 0) | ` +
          `lost ${PER_PLATFORM - reached.size} (target 0), duplicates ${posts - reached.size} | first post at ${seconds(firstAt[p] ?? Number.NaN)}`,
      );
    }
    const finished = PLATFORMS.every((p) => doneAt[p] !== undefined);
    const total = Math.max(...PLATFORMS.map((p) => doneAt[p] ?? elapsed));
    console.log(
      `bots total: ${(PLATFORMS.length * PER_PLATFORM).toLocaleString("en-US")} posts in ${seconds(total)}${finished ? "" : " (unfinished)"} | allowed ${seconds(allowedMs)} (the slowest platform's limit) | ratio ${allowedMs > 0 ? (total / allowedMs).toFixed(2) : "n/a"} (target ≤ 1.1)`,
    );
    note(
      `time is from queuing the ingest job until the platform's last chat had its post; deliveries in the store: ${Object.entries(
        states,
      )
        .map(([s, n]) => `${s} ${n}`)
        .join(", ")}`,
    );
    note(
      "Telegram's fake counts a 429 under the chat that was refused, also when its global 30/s bucket refused it; Discord's global 429s count under one 'global' bucket",
    );
  } finally {
    await worker?.stop();
    await queue.close();
    connection.disconnect();
    await Promise.all([fakes.discord.close(), fakes.slack.close(), fakes.telegram.close()]);
    await space.cleanup();
  }
}

/** The least time the platform's published limit allows for the load (ms); 0 when no shared limit binds. */
function allowed(platform: Platform): number {
  const rate = BINDING_RATE[platform];
  return rate === null ? 0 : (PER_PLATFORM / rate) * 1000;
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string, worker: WorkerProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (!worker.alive())
      throw new Error(`the worker exited while waiting for ${what}. Its output:\n${worker.output().slice(-4000)}`);
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}. Worker output:\n${worker.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

if (isMain(import.meta.url)) await benchBots();

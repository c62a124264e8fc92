/**
 * A developing story under Telegram's group limit: VERSIONS versions of one article over SPAN to one
 * group (the fake's limits on: 20 messages a minute per group, edits counted with sends), by a
 * `herald worker` process. Run twice: `delivery.coalesce: 0s` (the baseline: each version applied as
 * soon as the group's pace allows) and the default 30 s window. Figures: the group's calls (posts +
 * edits) against the budget the span allows, 429s (target 0), whether the final message shows the
 * last version (target yes), and per version the time until the group showed it or a newer one
 * (median, p95), against the baseline. Cards are off: the edits, not the renders, are measured.
 * Run alone with `node --import tsx bench/story.ts`; BENCH_STORY_VERSIONS and BENCH_STORY_SPAN_MS change the sizes.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { type IngestJobData, QueueName } from "../jobs/queues.ts";
import { TelegramFake } from "../tests/fakes/telegram/server.ts";
import { numberedVersion, shownVersion } from "../tests/helpers/story-posts.ts";
import { REDIS_URL, scratch, seconds, startWorker, waitUntil } from "./harness.ts";
import { heading, isMain, note, report, type Stats, stats } from "./lib.ts";

const VERSIONS = Number(process.env.BENCH_STORY_VERSIONS ?? 100);
const SPAN_MS = Number(process.env.BENCH_STORY_SPAN_MS ?? 60_000);
const GROUP = "-1001234500001";
const WARM_CHAT = "-1001234500002";
/** Telegram: 20 messages a minute to one group; edits count against it as sends do. */
const GROUP_PER_MINUTE = 20;

const version = (n: number) => numberedVersion("story-bench", n);

interface Run {
  calls: number;
  rateLimited: number;
  finalShowsLast: boolean;
  /** The "what changed" replies under the post (a story's update is an edit plus one reply per burst). */
  replies: number;
  /** Per version: ms from its ingest until the group showed it or a newer one. */
  staleness: Stats;
  took: number;
}

async function runStory(coalesce: string): Promise<Run> {
  const space = scratch("story");
  const telegram = await TelegramFake.start({ rateLimits: true });
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue<IngestJobData>(QueueName.ingest, { connection, prefix: space.prefix });
  const worker = startWorker(space, {
    cards: { enabled: false },
    delivery: { coalesce },
    telegram: { token: telegram.token, mode: "webhook", webhookSecret: "bench_story_secret", apiUrl: telegram.apiRoot },
    destinations: [
      { id: "group", type: "telegram", chatId: GROUP },
      { id: "warm", type: "telegram", chatId: WARM_CHAT },
    ],
    feeds: [
      { id: "wire", type: "webhook", token: "bench-story-token", destinations: ["group"] },
      { id: "warm", type: "webhook", token: "bench-story-token", destinations: ["warm"] },
    ],
  });
  try {
    // Measured from a worker that runs: its start-up is not the story's.
    await queue.add("ingest", { feedId: "warm", input: "bench/story/warm", kind: "post", raw: version(0) });
    await waitUntil(
      () => telegram.messagesIn(WARM_CHAT).length > 0 || !worker.alive(),
      120_000,
      "the warm-up post",
      50,
    );
    const shown = () => {
      const text = telegram.messagesIn(GROUP)[0]?.visibleText ?? "";
      return shownVersion(text);
    };
    const queuedAt: number[] = [];
    const seenAt: number[] = [];
    const started = performance.now();
    const watch = setInterval(() => {
      const now = performance.now();
      for (let n = 1; n <= shown(); n++) seenAt[n] ??= now;
    }, 5);
    for (let n = 1; n <= VERSIONS; n++) {
      const due = started + ((n - 1) * SPAN_MS) / Math.max(1, VERSIONS - 1);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      queuedAt[n] = performance.now();
      await queue.add("ingest", { feedId: "wire", input: `bench/story/v${n}`, kind: "post", raw: version(n) });
    }
    await waitUntil(
      () => shown() === VERSIONS || !worker.alive(),
      SPAN_MS + Number(process.env.BENCH_STORY_WAIT_MS ?? 120_000),
      "the last version shown",
      50,
    ).catch((error: Error) => {
      const now = telegram.messagesIn(GROUP).map((m) => m.visibleText.slice(0, 200));
      throw new Error(
        `${error.message}; the group shows ${JSON.stringify(now)}. Worker:\n${worker.output().slice(-3000)}`,
      );
    });
    clearInterval(watch);
    if (!worker.alive()) throw new Error(`the worker exited mid-run. Its output:\n${worker.output().slice(-4000)}`);
    const took = performance.now() - started;
    const staleness = stats(queuedAt.flatMap((at, n) => (seenAt[n] === undefined ? [] : [(seenAt[n] as number) - at])));
    return {
      calls: telegram.sent.filter((s) => s.chatId === GROUP).length,
      rateLimited: telegram.rateLimitedByChat.get(GROUP) ?? 0,
      // The post itself shows the last version; the other messages in the group are its update replies.
      finalShowsLast: shown() === VERSIONS,
      replies: telegram.messagesIn(GROUP).length - 1,
      staleness,
      took,
    };
  } finally {
    await worker.stop();
    await queue.close();
    connection.disconnect();
    await telegram.close();
    await space.cleanup();
  }
}

export async function benchStory(): Promise<void> {
  heading("a developing story: versions of one article to one Telegram group, `herald worker` process", {
    versions: VERSIONS,
    span: seconds(SPAN_MS),
    "group limit": `${GROUP_PER_MINUTE}/min (sends and edits)`,
    cards: "off",
  });
  const baseline = await runStory("0s");
  const coalesced = await runStory("30s");
  for (const [name, run] of [
    ["coalesce 0s (baseline)", baseline],
    ["coalesce 30s (default)", coalesced],
  ] as const) {
    // The budget over the time the group was being written to, plus the one send a fresh window allows.
    const budget = Math.floor((run.took / 60_000) * GROUP_PER_MINUTE) + 1;
    console.log(
      `story ${name}: ${run.calls} posts+edits in ${seconds(run.took)} (budget ${budget}, target ≤ budget) | ` +
        `429s ${run.rateLimited} (target 0) | final state = last version: ${run.finalShowsLast ? "yes" : "NO"} (target yes), ` +
        `${run.replies} update repl${run.replies === 1 ? "y" : "ies"} under the post`,
    );
  }
  report(
    "story: time until the group shows a version (or a newer one), 30 s window",
    coalesced.staleness,
    baseline.staleness,
  );
  note(
    "baseline = the same story with delivery.coalesce: 0s; the window trades freshness for fewer edits and one reply per burst",
  );
}

if (isMain(import.meta.url)) await benchStory();

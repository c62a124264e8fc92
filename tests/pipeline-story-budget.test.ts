/**
 * The edit budget: a story that changes faster than a Telegram group may be written to (20 messages a
 * minute, edits counted with sends; the fake answers 429 past it). A burst of versions through the whole
 * service coalesces into the edits the budget allows instead of one queued edit per version: no 429,
 * calls within the budget for the time taken, and the group ends on the newest version.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startService } from "../jobs/service.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { ingestStory, numberedVersion, shownVersion } from "./helpers/story-posts.ts";

const INGEST = "budget-ingest-token";
const GROUP = "-1001234500077";
const GROUP_PER_MINUTE = 20;
const VERSIONS = 30;

const version = (n: number) => numberedVersion("budget-story", n);

describe("a story faster than the group's budget", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(`coalesces ${VERSIONS} versions in a burst into the edits 20 a minute allows, with no 429, ending on the newest`, async () => {
    const telegram = await TelegramFake.start({ rateLimits: true });
    cleanups.push(() => telegram.close());
    const t = testConfig({
      ingest: { token: INGEST },
      cards: { enabled: false },
      telegram: {
        token: telegram.token,
        mode: "webhook",
        webhookSecret: "budget_secret_0123",
        apiUrl: telegram.apiRoot,
      },
      destinations: [{ id: "group", type: "telegram", chatId: GROUP }],
      feeds: [{ id: "wire", type: "webhook", destinations: ["group"] }],
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    const shown = () => shownVersion(telegram.messagesIn(GROUP)[0]?.visibleText ?? "");

    const started = performance.now();
    await ingestStory(service, INGEST, version(1));
    await waitFor(() => shown() === 1, 30_000, "the first version posted");
    for (let n = 2; n <= VERSIONS; n++) await ingestStory(service, INGEST, version(n));
    await waitFor(() => shown() === VERSIONS, 60_000, "the newest version shown");
    await waitForServiceDrained(service);
    const took = performance.now() - started;

    const calls = telegram.sent.filter((s) => s.chatId === GROUP).length;
    // The budget over the time the group was written to, plus the send a fresh window allows.
    const budget = Math.floor((took / 60_000) * GROUP_PER_MINUTE) + 1;
    expect(telegram.rateLimitedByChat.get(GROUP) ?? 0).toBe(0);
    expect(calls).toBeLessThanOrEqual(budget);
    // Far fewer than one edit (and one reply) per version: the burst was coalesced.
    expect(calls).toBeLessThan(VERSIONS / 2);
    // One post; what changed went into replies under it, never a second post.
    const sends = telegram.sent.filter((s) => s.chatId === GROUP && s.method.startsWith("send"));
    expect(sends.filter((s) => s.replyTo === undefined)).toHaveLength(1);
    expect(sends.filter((s) => s.replyTo !== undefined).length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

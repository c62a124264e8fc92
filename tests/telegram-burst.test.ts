/**
 * A burst to one Telegram group drains at the group's pace (20 messages a
 * minute): every post arrives once, and the Bot API never has to refuse one.
 * Takes about a minute: that is the pace being tested.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Service, startService } from "../jobs/service.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const TOKEN = "555666777:AAburstTestTokenForHeraldTelegram0001";
const GROUP = "-1005550001111";
const BURST = 22; // more than the 20 a group takes in a minute

describe("a burst of articles to one Telegram group", () => {
  let telegram: TelegramFake;
  let service: Service;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    telegram = await TelegramFake.start({ token: TOKEN, rateLimits: true });
    const t = testConfig({
      cards: { enabled: false },
      ingest: { token: "t" },
      delivery: { attempts: 3, backoff: "1s", concurrency: 20, timeout: "10s", lockDuration: "30s" },
      telegram: { token: TOKEN, mode: "webhook", webhookSecret: "burst-secret-0123456789", apiUrl: telegram.apiRoot },
      destinations: [{ id: "group", type: "telegram", chatId: GROUP }],
      feeds: [{ id: "wire", type: "webhook", destinations: ["group"] }],
    });
    service = await startService(t.config, { log: silentLog });
    cleanup = async () => {
      await service.stop(5000);
      await telegram.close();
      await t.cleanup();
    };
  });
  afterAll(async () => cleanup?.());

  it(`queues ${BURST} posts and drains them at the group's pace, losing none and drawing no 429`, async () => {
    for (let n = 1; n <= BURST; n++) {
      const res = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
        method: "POST",
        headers: { authorization: "Bearer t", "content-type": "text/markdown" },
        body: plainPost(n),
      });
      expect(res.status).toBe(202);
    }
    await waitFor(() => telegram.messagesIn(GROUP).length >= BURST, 120_000, `${BURST} posts in the group`);
    expect(telegram.rateLimitedCount).toBe(0);
    const titles = telegram.messagesIn(GROUP).map((m) => /Plain post (\d+)/.exec(m.visibleText)?.[1]);
    expect(new Set(titles).size).toBe(BURST);
    // A send is recorded just after Telegram answers it: the last one may still be on its way to the store.
    await waitFor(
      async () => (await service.runtime.store.countByState()).delivered === BURST,
      10_000,
      `${BURST} deliveries recorded`,
    );
    expect(telegram.messagesIn(GROUP)).toHaveLength(BURST);
  }, 150_000);
});

/**
 * The drained check other tests lean on before asserting that something did not happen: it must
 * wait out work already queued, retries in backoff and requests the fake has not answered yet.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { silentLog, testConfig } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

describe("waitForServiceDrained", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("returns only once every queued post went out, retries included", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const t = testConfig({
      cards: { enabled: false },
      ingest: { token: "t" },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [{ id: "inbox", type: "webhook", destinations: ["d"] }],
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    discord.failNext(2, 503);
    for (const n of [1, 2, 3]) {
      const accepted = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
        method: "POST",
        headers: { authorization: "Bearer t", "content-type": "text/markdown" },
        body: plainPost(n),
      });
      expect(accepted.status).toBe(202);
    }
    // Two sends are refused and wait in backoff: a check satisfied by the first quiet moment would return early.
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages).toHaveLength(3);
    expect(discord.requests.filter((r) => r.status === 503)).toHaveLength(2);
    expect((await service.runtime.store.countByState()).delivered).toBe(3);
  });
});

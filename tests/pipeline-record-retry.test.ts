import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";
import { lockDatabase } from "./helpers/sqlite-lock.ts";

const TOKEN = "test-ingest-token";
/** Longer than a store call waits for the lock (3 s), so the first try to record the post fails with SQLITE_BUSY. */
const HOLD_LOCK_MS = 4000;

describe("a post the platform accepted while the store is locked", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("is recorded afterwards and not posted twice", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    let databasePath = "";
    // Between Herald and the fake: once the fake has accepted the post, another process locks the
    // database before Herald hears the answer, so recording the delivery meets SQLITE_BUSY.
    let locked = 0;
    const proxy: Server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = await fetch(new URL(req.url ?? "/", discord.url), {
        method: req.method ?? "GET",
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        body: Buffer.concat(chunks),
      });
      const text = await answer.text();
      if (req.method === "POST" && locked++ === 0) await lockDatabase(databasePath, HOLD_LOCK_MS);
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      res.end(text);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
    const port = (proxy.address() as { port: number }).port;
    const webhook = new URL(discord.webhookUrl());
    const url = `http://127.0.0.1:${port}${webhook.pathname}`;

    const t = testConfig({
      cards: { enabled: false },
      ingest: { token: TOKEN },
      destinations: [{ id: "d", type: "discord-webhook", url }],
      feeds: [{ id: "inbox", type: "webhook", destinations: ["d"] }],
    });
    cleanups.push(t.cleanup);
    databasePath = t.config.database.path;
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    const accepted = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body: plainPost(1),
    });
    expect(accepted.status).toBe(202);

    const [message] = await discord.waitForMessages(1, 20_000);
    const delivery = await waitFor(
      async () => (await service.runtime.store.listRecentDeliveries(10)).find((d) => d.state === "delivered"),
      30_000,
      "the delivery to be recorded",
    );
    expect(locked).toBe(1);
    expect(delivery.platformMessageId).toBe(message?.id);
    // A retry of the job would post again: once nothing is left to run, it did not.
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages).toHaveLength(1);
  }, 60_000);
});

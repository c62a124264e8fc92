import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { runHerald, writeCliConfig } from "./helpers/herald.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const TOKEN = "test-ingest-token";

describe("herald trace: why an article was or was not delivered, from the store", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("shows a deleted webhook's 404 and its reason, and the other destination's message id (real CLI, by id and by post file)", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    // A webhook the server does not know any more: Discord answers 404 Unknown Webhook (10015).
    const deleted = discord.webhookUrl().replace(/\/webhooks\/\d+\//, "/webhooks/123456789012345678/");
    const destinations = [
      { id: "gone", type: "discord-webhook", url: deleted },
      { id: "live", type: "discord-webhook", url: discord.webhookUrl() },
    ];
    const feeds = [{ id: "inbox", type: "webhook", destinations: ["gone", "live"] }];
    const t = testConfig({ cards: { enabled: false }, ingest: { token: TOKEN }, destinations, feeds });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));

    const post = plainPost(13);
    const response = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body: post,
    });
    expect(response.status).toBe(202);
    const store = service.runtime.store;
    const [message] = await discord.waitForMessages(1, 20_000);
    const failed = await waitFor(
      async () =>
        (await store.listRecentDeliveries(10)).find((d) => d.destinationId === "gone" && d.state === "failed"),
      20_000,
      "the 404",
    );
    await waitFor(
      async () => (await store.listAttempts(failed.articleId)).some((a) => a.destinationId === "live"),
      20_000,
      "the delivered attempt",
    );

    // The CLI reads the store named by its own config, as on another host of the fleet.
    const config = writeCliConfig(t, { ingest: { token: TOKEN }, destinations, feeds }, "trace.yaml");
    const byId = await runHerald(["trace", failed.articleId, "--config", config]);
    expect(byId.stderr).toBe("");
    expect(byId.status).toBe(0);
    const out = byId.stdout;
    expect(out).toContain(`Article ${failed.articleId}`);
    expect(out).toMatch(/v1 {2}stored \S+ {2}Plain post 13/);
    const gone = out.slice(out.indexOf("  gone (discord-webhook)"), out.indexOf("  live (discord-webhook)"));
    expect(gone).toContain("v1 failed (permanently), 1 send\n");
    expect(gone).toMatch(/failed +HTTP 404 not_found .*Unknown Webhook/);
    const live = out.slice(out.indexOf("  live (discord-webhook)"));
    expect(live).toMatch(new RegExp(`delivered +message ${message?.id}`));
    // The webhook's token never reaches the terminal.
    expect(out).not.toContain(deleted.split("/").at(-1));

    const postFile = join(t.dir, "post.md");
    writeFileSync(postFile, post);
    const byFile = await runHerald(["trace", postFile, "--config", config]);
    expect(byFile.status).toBe(0);
    expect(byFile.stdout).toBe(out);

    const unknown = await runHerald(["trace", "no-such-article", "--config", config]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("herald trace: no stored article with the id or url 'no-such-article'");
  });
});

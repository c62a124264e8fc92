import { afterEach, describe, expect, it } from "vitest";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { runHerald, writeCliConfig } from "./helpers/herald.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const TOKEN = "test-ingest-token";

describe("herald retract: an article withdrawn wherever it was posted (real CLI, service, Discord fake)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("edits the posted message to its retracted form by the article's link, once, and names what it did", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const destinations = [{ id: "live", type: "discord-webhook", url: discord.webhookUrl() }];
    const feeds = [{ id: "inbox", type: "webhook", destinations: ["live"] }];
    const t = testConfig({ cards: { enabled: false }, ingest: { token: TOKEN }, destinations, feeds });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    const post = plainPost(21, "The withdrawn claim.").replace(
      "categories:",
      "permalink: https://news.example/p21/\ncategories:",
    );
    const response = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body: post,
    });
    const { articleId } = (await response.json()) as { articleId: string };
    const [message] = await discord.waitForMessages(1, 20_000);
    expect(JSON.stringify(message?.body.embeds)).toContain("The withdrawn claim.");
    await waitFor(async () => (await service.runtime.store.latestDelivered(articleId, "live")) !== null, 20_000);

    // The CLI queues the retraction through Redis; the running service's workers send it.
    const config = writeCliConfig(t, { ingest: { token: TOKEN }, destinations, feeds }, "retract.yaml");
    const first = await runHerald(["retract", "https://news.example/p21/", "--config", config]);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(
      `retracted 'Plain post 21' (article ${articleId} v2); queued to 1 destination that got it\n`,
    );
    await waitFor(() => discord.messages[0]?.editedAt, 20_000, "the retraction's edit");
    await waitForServiceDrained(service);
    expect(discord.messages).toHaveLength(1);
    expect(JSON.stringify(discord.messages[0]?.body.embeds)).not.toContain("The withdrawn claim.");

    const again = await runHerald(["retract", articleId, "--config", config]);
    expect(again.stdout).toContain("was already retracted; nothing to do");
    const unknown = await runHerald(["retract", "no-such-article", "--config", config]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("herald retract: no stored article with the id or url 'no-such-article'");
  }, 90_000);
});

import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../jobs/log.ts";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { SlackFake } from "./fakes/slack/server.ts";
import { lineSink } from "./helpers/log.ts";
import { projectRoot } from "./helpers/paths.ts";
import { testConfig, waitFor } from "./helpers/pipeline.ts";
import { koreanPost } from "./helpers/posts.ts";

const INGEST_TOKEN = "observability-ingest-token-0123";
const WEBHOOK_TOKEN = "secret-webhook-token-abcdef0123456789";

describe("logs, public card URLs and herald status", () => {
  const lines: string[] = [];
  let discord: DiscordFake;
  let slack: SlackFake;
  let service: Service;
  let configPath = "";
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    discord = await DiscordFake.start();
    slack = await SlackFake.start({ perChannelPerSecond: 0 });
    const good = discord.webhookUrl(undefined, WEBHOOK_TOKEN);
    const bad = discord.webhookUrl().replace(/\/[^/]+$/, `/${WEBHOOK_TOKEN}x`);
    const raw = {
      ingest: { token: INGEST_TOKEN },
      cards: { publicBaseUrl: "https://herald.example.com/" },
      destinations: [
        { id: "discord-ok", type: "discord-webhook", url: good },
        { id: "discord-bad", type: "discord-webhook", url: bad },
        { id: "slack-hook", type: "slack-webhook", url: slack.incomingWebhookUrl() },
      ],
      feeds: [{ id: "wire", type: "webhook", destinations: ["discord-ok", "discord-bad", "slack-hook"] }],
    };
    const t = testConfig(raw);
    configPath = join(t.dir, "herald.yaml");
    writeFileSync(
      configPath,
      JSON.stringify({ ...raw, redis: t.config.redis, database: t.config.database, log: { level: "silent" } }),
    );
    const sink = lineSink((line) => lines.push(line));
    service = await startService(t.config, { log: createLogger("info", sink) });
    cleanup = async () => {
      await service.stop(5000);
      await Promise.all([discord.close(), slack.close()]);
      await t.cleanup();
    };
    const res = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "text/markdown" },
      body: koreanPost(1),
    });
    expect(res.status).toBe(202);
    await waitFor(
      async () =>
        (await service.runtime.store.countByState()).delivered === 2 &&
        (await service.runtime.store.countByState()).failed === 1,
      30_000,
      "two deliveries and one failure",
    );
  });
  afterAll(async () => cleanup?.());

  it("puts article id, destination and job id on every delivery log line, as JSON", () => {
    const delivery = lines.map((l) => JSON.parse(l)).filter((l) => l.destinationId);
    expect(delivery.length).toBeGreaterThanOrEqual(3);
    for (const line of delivery) {
      expect(line.articleId).toMatch(/^[0-9a-f]{16}$/);
      expect(line.jobId).toBe(`${line.articleId}.v1.${line.destinationId}`);
    }
  });

  it("never logs the ingest token or a webhook token, even for a failed delivery", () => {
    const all = lines.join("\n");
    expect(all).toMatch(/delivery failed permanently/);
    expect(all).not.toContain(INGEST_TOKEN);
    expect(all).not.toContain(WEBHOOK_TOKEN);
  });

  it("shows the card on Slack's incoming webhook through the public card URL, which serves the PNG", async () => {
    const [message] = await slack.waitForMessages(1, 10_000);
    const image = message?.blocks.find((b: { type: string }) => b.type === "image") as
      | { image_url: string }
      | undefined;
    expect(image?.image_url).toMatch(/^https:\/\/herald\.example\.com\/cards\/[0-9a-f]{64}\.png$/);
    const path = new URL(image?.image_url ?? "").pathname;
    const res = await fetch(`http://127.0.0.1:${service.port}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    expect((await fetch(`http://127.0.0.1:${service.port}/cards/${"0".repeat(64)}.png`)).status).toBe(404);
  });

  it("herald status prints queue depths and the latest deliveries with their state, without secrets", () => {
    const result = spawnSync(
      process.execPath,
      [join(projectRoot, "bin/herald.mjs"), "status", "--config", configPath],
      { encoding: "utf8", cwd: projectRoot },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/deliver\s+waiting 0/);
    expect(result.stdout).toMatch(/Deliveries: pending 0, sending 0, delivered 2, failed 1/);
    expect(result.stdout).toMatch(/delivered\s+discord-ok/);
    expect(result.stdout).toMatch(/failed\s+discord-bad/);
    expect(result.stdout).toMatch(/Destination discord-bad is flagged/);
    expect(result.stdout).not.toContain(WEBHOOK_TOKEN);
  });
});

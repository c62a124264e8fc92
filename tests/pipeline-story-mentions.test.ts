/**
 * Who a post wakes, through the whole service on Discord (real Redis, SQLite, Chromium, the strict fake):
 * a breaking story carries exactly the destination's configured role mention and allows exactly that role,
 * while `@everyone` and role mentions in the article's own text ping nobody; it is crossposted from the
 * announcement channel; its thread update is minor, so silent; a normal story mentions nobody.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { publicKeyHex } from "./helpers/discord.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { ingestStory, storyPost } from "./helpers/story-posts.ts";

const INGEST = "mentions-ingest-token";
const TOKEN = "mentions-discord-bot-token";
const CHANNEL = "1230000000000000777";
const ROLE = "987654321098765432";
const SUPPRESS_NOTIFICATIONS = 4096;
const CROSSPOSTED = 1;

describe("severity decides who a Discord post wakes", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(): Promise<{ service: Service; discord: DiscordFake }> {
    const discord = await DiscordFake.start({ botToken: TOKEN });
    cleanups.push(() => discord.close());
    discord.setChannelType(CHANNEL, 5);
    const t = testConfig({
      ingest: { token: INGEST },
      discord: {
        token: TOKEN,
        mode: "http",
        publicKey: publicKeyHex(generateKeyPairSync("ed25519").publicKey),
        apiUrl: discord.api,
      },
      destinations: [
        {
          id: "desk",
          type: "discord",
          channelId: CHANNEL,
          mention: { breaking: `<@&${ROLE}>` },
          crosspost: "breaking",
        },
      ],
      feeds: [{ id: "wire", type: "webhook", baseUrl: "https://news.example.kr", destinations: ["desk"] }],
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    return { service, discord };
  }

  const ingest = (service: Service, body: string) => ingestStory(service, INGEST, body);

  const delivered = (service: Service, articleId: string, version: number) =>
    waitFor(
      async () =>
        (await service.runtime.store.listArticleDeliveries(articleId)).find(
          (r) => r.version === version && r.state === "delivered",
        ) ?? null,
      60_000,
      `v${version} delivered`,
    );

  it("mentions exactly the configured role on a breaking post, crossposts it, and threads its update silently", async () => {
    const { service, discord } = await setup();
    const hostileTitle = "[속보] @everyone 하늘클라우드 결제 API 장애 <@&111111111111111111> @here";
    const id = await ingest(service, storyPost({ rows: 3, title: hostileTitle }));
    await delivered(service, id, 1);
    await waitForServiceDrained(service);
    const [post] = discord.messages.filter((m) => m.channelId === CHANNEL);
    expect(post?.body.content).toBe(`<@&${ROLE}>`);
    expect(post?.body.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    // The article's own words stay visible (defanged), and pinging is left to allowed_mentions alone.
    expect(JSON.stringify(post?.body.embeds)).toContain("everyone");
    expect(post?.crosspostedAt).toBeDefined();
    expect((post?.body.flags as number) & CROSSPOSTED).toBe(CROSSPOSTED);

    await ingest(service, storyPost({ rows: 4, title: hostileTitle }));
    await delivered(service, id, 2);
    await waitForServiceDrained(service);
    const replies = discord.messages.filter((m) => m.channelId !== CHANNEL);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body.flags).toBe(SUPPRESS_NOTIFICATIONS);
    expect(replies[0]?.body.allowed_mentions).toEqual({ parse: [] });
    // Published once: an edit is not crossposted again.
    expect(discord.requests.filter((r) => r.path.endsWith("/crosspost"))).toHaveLength(1);
  }, 120_000);

  it("mentions nobody and crossposts nothing for a normal post, whatever its text says", async () => {
    const { service, discord } = await setup();
    const id = await ingest(
      service,
      storyPost({ rows: 3, title: "하늘클라우드 결제 API 점검 @everyone", slug: "calm" }),
    );
    await delivered(service, id, 1);
    await waitForServiceDrained(service);
    const [post] = discord.messages.filter((m) => m.channelId === CHANNEL);
    expect(post?.body.content ?? "").not.toContain(ROLE);
    expect(post?.body.allowed_mentions).toEqual({ parse: [] });
    expect(post?.crosspostedAt).toBeUndefined();
    expect(discord.requests.filter((r) => r.path.endsWith("/crosspost"))).toHaveLength(0);
  }, 120_000);
});

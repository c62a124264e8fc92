/**
 * Developing stories on Discord, against the strict fake: who a post may wake (exactly the configured
 * mention, never article text), silent posts, replies in the thread under the post (started once, reused,
 * or the forum post itself), announcement crossposts, and a webhook that can only post into its own thread.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../adapters/discord/index.ts";
import { DiscordWebhookPoster } from "../adapters/discord/webhook-poster.ts";
import { RateLimitError, ValidationError } from "../src/errors.ts";
import { buildMessage } from "../src/message/build.ts";
import type { StoryUpdate } from "../src/message/types.ts";
import { CHANNEL_TYPES, DiscordFake, fakeSnowflake } from "./fakes/discord/server.ts";
import { koreanOutageArticle } from "./fixtures/format/articles.ts";
import { storyUpdate } from "./helpers/story.ts";

const TOKEN = "story-test-bot-token.secret-part";
const ROLE = "1260000000000000101";

const fakes: DiscordFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(maxRateLimitWaitMs?: number) {
  const fake = await DiscordFake.start({ botToken: TOKEN });
  fakes.push(fake);
  const adapter = createDiscordAdapter({ token: TOKEN, mode: "none", apiUrl: fake.api, maxRateLimitWaitMs });
  const channelId = fakeSnowflake();
  return { fake, adapter, channelId, poster: adapter.poster(channelId) };
}

/** An article whose own text tries to ping everyone. */
const hostile = () => {
  const article = koreanOutageArticle();
  return buildMessage({ ...article, title: `@everyone <@&${ROLE}> ${article.title}` });
};

const update = (event: string): StoryUpdate =>
  storyUpdate(event, { title: "[속보] MS 아웃룩 장애", url: "https://news.example.kr/outage" });

describe("Discord notify", () => {
  it("puts the configured role mention in front and allows exactly that role, while article @everyone pings nobody", async () => {
    const { fake, poster } = await setup();
    await poster.post(hostile(), null, { idempotencyKey: "n1", notify: { mention: `<@&${ROLE}>` } });
    const [sent] = fake.messages;
    expect(sent?.body.content).toBe(`<@&${ROLE}>`);
    expect(sent?.body.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    expect(sent?.body.embeds[0].title).not.toMatch(/@everyone/);
  });

  it("without a notify choice, allows no mention at all", async () => {
    const { fake, poster } = await setup();
    await poster.post(hostile(), null, { idempotencyKey: "n2" });
    expect(fake.messages[0]?.body.allowed_mentions).toEqual({ parse: [] });
    expect(fake.messages[0]?.body.content).toBeUndefined();
  });

  it("allows @everyone only when an admin configured exactly that", async () => {
    const { fake, poster } = await setup();
    await poster.post(hostile(), null, { idempotencyKey: "n3", notify: { mention: "@everyone" } });
    expect(fake.messages[0]?.body.allowed_mentions).toEqual({ parse: ["everyone"] });
  });

  it("refuses a mention that is not Discord's syntax, naming it", async () => {
    const { poster } = await setup();
    const sent = poster.post(hostile(), null, { idempotencyKey: "n4", notify: { mention: "@oncall" } });
    await expect(sent).rejects.toBeInstanceOf(ValidationError);
    await expect(sent).rejects.toThrow(/"@oncall"/);
  });

  it("sends a silent post and a silent thread reply with SUPPRESS_NOTIFICATIONS and no mention", async () => {
    const { fake, poster } = await setup();
    const notify = { mention: `<@&${ROLE}>`, silent: true };
    const posted = await poster.post(hostile(), null, { idempotencyKey: "s1", notify });
    await poster.reply?.(posted.id as string, update("복구"), { idempotencyKey: "s2", notify });
    expect(fake.messages.map((m) => m.body.flags)).toEqual([4096, 4096]);
    expect(fake.messages.map((m) => m.body.allowed_mentions)).toEqual([{ parse: [] }, { parse: [] }]);
  });
});

describe("Discord thread replies", () => {
  it("starts one thread from the post, named after the article, and posts every update into it", async () => {
    const { fake, poster, channelId } = await setup();
    const posted = await poster.post(hostile(), null, { idempotencyKey: "t1" });
    await poster.reply?.(posted.id as string, update("@everyone 복구 시작"), { idempotencyKey: "t2" });
    await poster.reply?.(posted.id as string, update("복구 완료"), { idempotencyKey: "t3" });
    expect(fake.threads).toEqual([
      { id: posted.id, parentId: channelId, name: "[속보] MS 아웃룩 장애", autoArchiveDuration: 1440 },
    ]);
    const inThread = fake.messages.filter((m) => m.channelId === posted.id);
    expect(inThread.map((m) => m.body.content)).toEqual([
      expect.stringContaining("13:40 — @\u200beveryone 복구 시작"),
      expect.stringContaining("13:40 — 복구 완료"),
    ]);
    expect(inThread.every((m) => JSON.stringify(m.body.allowed_mentions) === '{"parse":[]}')).toBe(true);
  });

  it("posts into the destination's own thread when it is a forum post (a starter message cannot start another)", async () => {
    const { fake, adapter } = await setup();
    const forumPost = fakeSnowflake();
    fake.setChannelType(forumPost, CHANNEL_TYPES.publicThread);
    const poster = adapter.poster(forumPost);
    const posted = await poster.post(hostile(), null, { idempotencyKey: "f1" });
    await poster.reply?.(posted.id as string, update("복구"), { idempotencyKey: "f2" });
    expect(fake.threads).toEqual([]);
    expect(fake.messages.filter((m) => m.channelId === forumPost)).toHaveLength(2);
  });

  it("cuts a long update to the 2000-character limit without splitting a character", async () => {
    const { fake, poster } = await setup();
    const posted = await poster.post(hostile(), null, { idempotencyKey: "l1" });
    const long = update("👩‍👩‍👧 장애 ".repeat(400));
    await poster.reply?.(posted.id as string, long, { idempotencyKey: "l2" });
    const content = fake.messages.at(-1)?.body.content as string;
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content).toContain("…");
    expect(content).not.toMatch(/\u200d…|\ud83d…/);
  });
});

describe("Discord crosspost", () => {
  it("publishes a post in an announcement channel once; a second publish is refused", async () => {
    const { fake, poster, channelId } = await setup();
    fake.setChannelType(channelId, CHANNEL_TYPES.announcement);
    const posted = await poster.post(hostile(), null, { idempotencyKey: "c1" });
    await poster.crosspost?.(posted.id as string);
    expect(fake.messages[0]?.crosspostedAt).toBeDefined();
    await expect(poster.crosspost?.(posted.id as string)).rejects.toThrow(/40033/);
  });

  it("is refused outside an announcement channel", async () => {
    const { poster } = await setup();
    const posted = await poster.post(hostile(), null, { idempotencyKey: "c2" });
    await expect(poster.crosspost?.(posted.id as string)).rejects.toThrow(/50024/);
  });

  it("allows 10 publishes an hour per channel; the 11th is a RateLimitError", async () => {
    const { fake, poster, channelId } = await setup(1_000);
    fake.setChannelType(channelId, CHANNEL_TYPES.announcement);
    for (let i = 0; i < 10; i++) {
      const posted = await poster.post(hostile(), null, { idempotencyKey: `h${i}` });
      await poster.crosspost?.(posted.id as string);
    }
    const eleventh = await poster.post(hostile(), null, { idempotencyKey: "h10" });
    const error = await poster.crosspost?.(eleventh.id as string).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(3_000_000);
    expect(fake.messages.filter((m) => m.crosspostedAt !== undefined)).toHaveLength(10);
  });

  it("turns a 429 longer than the client waits into a RateLimitError", async () => {
    const { fake, poster, channelId } = await setup(1_000);
    fake.setChannelType(channelId, CHANNEL_TYPES.announcement);
    const posted = await poster.post(hostile(), null, { idempotencyKey: "c3" });
    fake.failNext(1, 429, { retryAfter: 3600 });
    const error = await poster.crosspost?.(posted.id as string).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(fake.messages[0]?.crosspostedAt).toBeUndefined();
  });
});

describe("Discord webhook story mode", () => {
  it("has no reply for a plain webhook: it cannot start a thread", async () => {
    const fake = await DiscordFake.start();
    fakes.push(fake);
    expect(new DiscordWebhookPoster(fake.webhookUrl()).reply).toBeUndefined();
  });

  it("posts, edits and replies in its configured thread (?thread_id=)", async () => {
    const fake = await DiscordFake.start();
    fakes.push(fake);
    const thread = fakeSnowflake();
    fake.setChannelType(thread, CHANNEL_TYPES.publicThread);
    const poster = new DiscordWebhookPoster(fake.webhookUrl(), 5_000, thread);
    const posted = await poster.post(hostile(), null, { idempotencyKey: "w1" });
    await poster.edit(posted.id as string, { ...hostile(), updatedLabel: "13:40 업데이트" }, null);
    await poster.reply?.(posted.id as string, update("복구"), { idempotencyKey: "w2" });
    expect(fake.messages.map((m) => m.threadId)).toEqual([thread, thread]);
    expect(fake.messages[0]?.body.embeds[0].author).toEqual({ name: "13:40 업데이트" });
    expect(fake.requests.every((r) => r.path.includes(`thread_id=${thread}`))).toBe(true);
  });

  it("is refused by the fake when its thread does not exist", async () => {
    const fake = await DiscordFake.start();
    fakes.push(fake);
    const poster = new DiscordWebhookPoster(fake.webhookUrl(), 5_000, fakeSnowflake());
    await expect(poster.post(hostile(), null, { idempotencyKey: "w3" })).rejects.toThrow(/Unknown Channel/);
  });
});

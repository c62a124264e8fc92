/**
 * The Discord bot adapter's posting side, driven through @discordjs/rest against the
 * strict loopback fake: what lands in the channel, that a retried delivery posts once,
 * and that every failure arrives as Herald's error family without the token.
 */
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  commandDefinitions,
  createDiscordAdapter,
  type DiscordAdapter,
  registerDiscordCommands,
} from "../adapters/discord/index.ts";
import { DiscordWebhookPoster } from "../adapters/discord/webhook-poster.ts";
import type { CardFile } from "../src/adapter.ts";
import {
  AuthenticationError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ValidationError,
} from "../src/errors.ts";
import { buildMessage } from "../src/message/build.ts";
import type { NewsMessage } from "../src/message/types.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { englishArticle, koreanOutageArticle, timelineCard } from "./fixtures/format/articles.ts";
import { failure } from "./helpers/adapter-errors.ts";
import { cardPng } from "./helpers/cards.ts";

const TOKEN = "adapter-test-bot-token.secret-part";
const CHANNEL = "1230000000000000101";
const OTHER_CHANNEL = "1230000000000000102";
const APPLICATION = "1240000000000000101";
const GUILD = "1250000000000000101";

const fakes: DiscordFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(
  options: { token?: string; maxRateLimitWaitMs?: number } = {},
): Promise<{ fake: DiscordFake; adapter: DiscordAdapter }> {
  const fake = await DiscordFake.start({ botToken: TOKEN });
  fakes.push(fake);
  const adapter = createDiscordAdapter({
    token: options.token ?? TOKEN,
    mode: "none",
    apiUrl: fake.api,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs,
  });
  return { fake, adapter };
}

const card = (shade = 0x40): CardFile => ({
  filename: "timeline.png",
  png: new Uint8Array(cardPng({ width: 12, height: 6, shade })),
});
const koreanMessage = (): NewsMessage => buildMessage(koreanOutageArticle(), { card: timelineCard });

describe("posting", () => {
  it("uploads the card as files[0], shows it in the embed and returns Discord's message id", async () => {
    const { fake, adapter } = await setup();
    const file = card();
    const posted = await adapter
      .poster(CHANNEL)
      .post(koreanMessage(), file, { idempotencyKey: "deliver:article-1:dest-1" });

    expect(fake.messages).toHaveLength(1);
    const message = fake.messages[0]!;
    expect(posted.id).toBe(message.id);
    expect(message.channelId).toBe(CHANNEL);
    expect(message.body.embeds[0].title).toContain("아웃룩");
    expect(message.body.embeds[0].image.url).toBe("attachment://timeline.png");
    expect(message.files).toHaveLength(1);
    expect(message.files[0]?.name).toBe("timeline.png");
    expect(message.files[0]?.contentType).toBe("image/png");
    expect(new Uint8Array(message.files[0]!.bytes)).toEqual(file.png);
    // Alt text for screen readers comes from the timeline.
    expect(message.body.attachments[0].description).toContain("11:00");
    expect(message.body.allowed_mentions).toEqual({ parse: [] });
  });

  it("sends the same nonce with enforce_nonce for a retried delivery, so Discord keeps one message", async () => {
    const { fake, adapter } = await setup();
    const poster = adapter.poster(CHANNEL);
    const first = await poster.post(koreanMessage(), card(), { idempotencyKey: "deliver:article-1:dest-1" });
    const retry = await poster.post(koreanMessage(), card(), { idempotencyKey: "deliver:article-1:dest-1" });
    expect(retry.id).toBe(first.id);
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]?.body.enforce_nonce).toBe(true);
    expect(fake.messages[0]?.nonce?.length).toBeLessThanOrEqual(25);

    // Another delivery, or the same delivery key in another channel, is another message.
    const next = await poster.post(koreanMessage(), card(), { idempotencyKey: "deliver:article-2:dest-1" });
    const elsewhere = await adapter
      .poster(OTHER_CHANNEL)
      .post(koreanMessage(), card(), { idempotencyKey: "deliver:article-1:dest-1" });
    expect(new Set([first.id, next.id, elsewhere.id]).size).toBe(3);
    expect(fake.messages).toHaveLength(3);
  });

  it("posts without a card as text only, even when the message was built for one", async () => {
    const { fake, adapter } = await setup();
    await adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "no-card" });
    const body = fake.messages[0]?.body;
    expect(fake.messages[0]?.files).toEqual([]);
    expect(JSON.stringify(body)).not.toContain("attachment://");
    // The timeline is listed as text instead.
    expect(body.embeds[0].fields.map((field: { value: string }) => field.value).join("\n")).toContain("11:00");
  });

  it("waits out a short 429 and still posts exactly once", async () => {
    const { fake, adapter } = await setup();
    fake.failNext(1, 429, { retryAfter: 0.2 });
    const posted = await adapter.poster(CHANNEL).post(koreanMessage(), card(), { idempotencyKey: "after-429" });
    expect(fake.messages.map((message) => message.id)).toEqual([posted.id]);
    expect(fake.requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it("gives a 429 longer than maxRateLimitWaitMs back as RateLimitError, without posting", async () => {
    const { fake, adapter } = await setup({ maxRateLimitWaitMs: 1000 });
    fake.failNext(1, 429, { retryAfter: 5 });
    const error = await failure(adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "long-429" }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThanOrEqual(5000);
    expect(error.message).toContain(`/channels/${CHANNEL}/messages`);
    expect(error).toMatchObject({
      method: "POST /channels/:id/messages",
      path: `/channels/${CHANNEL}/messages`,
      retryAfterMs: error.retryAfterMs,
    });
    expect(fake.messages).toHaveLength(0);
  });

  it("retries a 500 by itself, and reports Discord's 503 that does not go away as a retryable NetworkError", async () => {
    const { fake, adapter } = await setup();
    fake.failNext(1, 500);
    await adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "after-500" });
    expect(fake.messages).toHaveLength(1);

    fake.failNext(4, 503);
    const error = await failure(adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "down" }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(503);
    expect(fake.messages).toHaveLength(1);
  });
});

describe("editing and deleting", () => {
  it("edits the embed and replaces the card; an edit without a card removes the old one", async () => {
    const { fake, adapter } = await setup();
    const { id } = await adapter.poster(CHANNEL).post(koreanMessage(), card(0x10), { idempotencyKey: "edit-me" });
    const oldFileId = fake.messages[0]?.files[0]?.id;

    const updated = buildMessage(englishArticle(), { card: timelineCard });
    const newCard = card(0xe0);
    await adapter.edit(CHANNEL, id!, updated, newCard);
    const message = fake.messages[0]!;
    expect(message.body.embeds[0].title).toBe(updated.title);
    expect(message.files).toHaveLength(1);
    expect(message.files[0]?.id).not.toBe(oldFileId);
    expect(new Uint8Array(message.files[0]!.bytes)).toEqual(newCard.png);

    await adapter.edit(CHANNEL, id!, updated, null);
    expect(message.files).toEqual([]);
    expect(JSON.stringify(message.body.embeds)).not.toContain("attachment://");
    expect(fake.messages).toHaveLength(1);
  });

  it("deletes a message, and a repeated delete of the same message still succeeds", async () => {
    const { fake, adapter } = await setup();
    const { id } = await adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "delete-me" });
    await adapter.delete(CHANNEL, id!);
    expect(fake.messages[0]?.deletedAt).toBeDefined();
    await adapter.delete(CHANNEL, id!);
  });

  it("reports editing a message that does not exist as NotFoundError", async () => {
    const { adapter } = await setup();
    const error = await failure(adapter.edit(CHANNEL, "1260000000000000001", koreanMessage(), null));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain("DiscordAPIError[10008] Unknown Message");
  });
});

describe("failures map onto Herald's errors without secrets", () => {
  it("maps Missing Permissions and Missing Access to PermissionError, naming code, method and path", async () => {
    const { fake, adapter } = await setup();
    fake.denyChannel(CHANNEL, 50013);
    const error = await failure(adapter.poster(CHANNEL).post(koreanMessage(), card(), { idempotencyKey: "x" }));
    expect(error).toBeInstanceOf(PermissionError);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `discord: DiscordAPIError[50013] Missing Permissions on POST /channels/${CHANNEL}/messages`,
    );
    expect(error).toMatchObject({
      platform: "discord",
      method: "POST /channels/:id/messages",
      path: `/channels/${CHANNEL}/messages`,
      platformCode: 50013,
      status: 403,
    });

    fake.denyChannel(OTHER_CHANNEL, 50001);
    const access = await failure(adapter.delete(OTHER_CHANNEL, "1260000000000000001"));
    expect(access).toBeInstanceOf(PermissionError);
    expect(access.message).toContain("DiscordAPIError[50001] Missing Access on DELETE");
    expect(access).toMatchObject({
      method: "DELETE /channels/:id/messages/:id",
      platformCode: 50001,
      retryAfterMs: undefined,
    });
  });

  it("counts deleting a message that is already gone (Unknown Message) as deleted", async () => {
    const { adapter } = await setup();
    const posted = await adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "gone" });
    await adapter.delete(CHANNEL, posted.id as string);
    await expect(adapter.delete(CHANNEL, posted.id as string)).resolves.toBeUndefined();
  });

  it("maps Unknown Channel to NotFoundError, also for a delete", async () => {
    const { fake, adapter } = await setup();
    fake.denyChannel(CHANNEL, 10003);
    expect(await failure(adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "x" }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await failure(adapter.delete(CHANNEL, "1260000000000000001"))).toBeInstanceOf(NotFoundError);
  });

  it("maps a refused token to AuthenticationError, now and for every later call, never quoting the token", async () => {
    const wrongToken = "someone-elses-token.very-secret";
    const { fake, adapter } = await setup({ token: wrongToken });
    const first = await failure(adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "x" }));
    expect(first).toBeInstanceOf(AuthenticationError);
    expect(first.message).toContain("DiscordAPIError[0] 401: Unauthorized");
    const later = await failure(adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "y" }));
    expect(later).toBeInstanceOf(AuthenticationError);
    for (const error of [first, later]) {
      expect(`${error.message} ${error.stack}`).not.toContain(wrongToken);
      expect(`${error.message}`).not.toContain(TOKEN);
    }
    expect(fake.messages).toHaveLength(0);
  });

  it("gives webhook failures the same fields, with the webhook token masked in the path", async () => {
    const { fake } = await setup();
    const known = fake.webhookUrl();
    const id = new URL(known).pathname.split("/")[3] as string;
    const wrongToken = `${known.slice(0, known.lastIndexOf("/"))}/not-the-token`;
    const error = await failure(
      new DiscordWebhookPoster(wrongToken).post(koreanMessage(), null, { idempotencyKey: "x" }),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      platform: "discord-webhook",
      method: "POST",
      path: `/api/webhooks/${id}/***`,
      platformCode: 50027,
      status: 401,
    });
    expect(JSON.stringify(error)).not.toContain("not-the-token");

    const edit = await failure(
      new DiscordWebhookPoster(fake.webhookUrl()).edit("1260000000000000001", koreanMessage(), null),
    );
    expect(edit).toBeInstanceOf(NotFoundError);
    expect(edit).toMatchObject({ method: "PATCH", platformCode: 10008 });
    expect(edit.path).toMatch(/^\/api\/webhooks\/\d+\/\*\*\*\/messages\/1260000000000000001$/);
  });

  it("maps an invalid form body to ValidationError with Discord's field errors", async () => {
    const { adapter } = await setup();
    const error = await failure(adapter.edit(CHANNEL, "not-a-snowflake", koreanMessage(), null));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain("DiscordAPIError[50035] Invalid Form Body");
    expect(error.message).toContain("message_id");
  });

  it("maps an unreachable API to NetworkError", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const adapter = createDiscordAdapter({ token: TOKEN, mode: "none", apiUrl: `http://127.0.0.1:${port}/api` });
    const error = await failure(adapter.poster(CHANNEL).post(koreanMessage(), null, { idempotencyKey: "x" }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain(TOKEN);
  });
});

describe("creation", () => {
  it("refuses to start without a token or, in http mode, without the public key, naming the variable", () => {
    expect(() => createDiscordAdapter({ mode: "gateway" })).toThrow(/DISCORD_TOKEN/);
    expect(() => createDiscordAdapter({ token: " ", mode: "none" })).toThrow(/DISCORD_TOKEN/);
    expect(() => createDiscordAdapter({ token: TOKEN, mode: "http" })).toThrow(/DISCORD_PUBLIC_KEY/);
    expect(() => createDiscordAdapter({ token: TOKEN, mode: "http", publicKey: "abc" })).toThrow(/64 hexadecimal/);
    expect(() => createDiscordAdapter({ token: TOKEN, mode: "webhook" as never })).toThrow(/discord.mode/);
  });

  it("serves no HTTP routes outside http mode", () => {
    const adapter = createDiscordAdapter({ token: TOKEN, mode: "none" });
    expect(adapter.httpRoutes()).toEqual({});
  });
});

describe("gateway mode", () => {
  it("fails start() with AuthenticationError when Discord refuses the token, before any gateway connection", async () => {
    const fake = await DiscordFake.start({ botToken: TOKEN });
    fakes.push(fake);
    const wrongToken = "gateway-wrong-token.secret";
    const adapter = createDiscordAdapter({ token: wrongToken, mode: "gateway", apiUrl: fake.api });
    const error = await failure(adapter.start(async () => ({ ephemeral: true, blocks: [] })));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("DISCORD_TOKEN");
    expect(error.message).not.toContain(wrongToken);
    // discord.js asked the fake for the gateway URL and stopped at the 401.
    expect(fake.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      "GET /api/v10/gateway/bot 401",
    ]);
    await adapter.stop();
  });
});

describe("slash commands", () => {
  it("defines /news and /feeds with the documented options, guild-only, /feeds for Manage Server", () => {
    const [news, feeds] = commandDefinitions();
    // biome-ignore lint/suspicious/noExplicitAny: reading the command JSON by field names.
    const sub = (command: any, name: string) => command.options.find((option: any) => option.name === name);
    expect(news?.name).toBe("news");
    expect(news?.options?.map((option) => option.name)).toEqual(["latest", "search", "show", "trace"]);
    expect(sub(news, "latest").options[0]).toMatchObject({ name: "count", type: 4, min_value: 1, max_value: 20 });
    expect(sub(news, "search").options[0]).toMatchObject({ name: "query", type: 3, required: true, max_length: 200 });
    expect(sub(news, "show").options[0]).toMatchObject({ name: "article", type: 3, required: true });
    expect(sub(news, "trace").options[0]).toMatchObject({ name: "article", type: 3, required: true });
    expect(news?.default_member_permissions).toBeUndefined();
    expect(news?.contexts).toEqual([0]);

    expect(feeds?.name).toBe("feeds");
    expect(feeds?.options?.map((option) => option.name)).toEqual(["list", "add", "remove", "pause", "resume"]);
    expect(sub(feeds, "add").options[0]).toMatchObject({ name: "url", required: true });
    for (const name of ["remove", "pause", "resume"])
      expect(sub(feeds, name).options[0]).toMatchObject({ name: "id", required: true });
    expect(feeds?.default_member_permissions).toBe("32");
  });

  it("registers both commands by bulk overwrite, with Korean descriptions and English names", async () => {
    const { fake, adapter } = await setup();
    const answered = await registerDiscordCommands(adapter.rest, APPLICATION, GUILD);
    expect(answered.map((command) => command.name)).toEqual(["news", "feeds"]);
    await adapter.registerCommands(APPLICATION);

    expect(fake.commandSets.map((set) => set.guildId)).toEqual([GUILD, null]);
    const [news, feeds] = fake.commandSets[0]!.commands;
    expect(news.description_localizations.ko).toBe("Herald가 올린 뉴스 보기");
    expect(news.name_localizations ?? null).toBeNull();
    expect(news.options[1].options[0].description_localizations.ko).toBe("찾을 단어");
    expect(feeds.description_localizations.ko).toContain("피드");
    expect(feeds.default_member_permissions).toBe("32");
  });
});

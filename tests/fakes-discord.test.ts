/**
 * The Discord fake is only worth something if it refuses what Discord refuses and the
 * real clients work against it. These tests drive it with @discordjs/rest's REST (as
 * Herald's Discord adapter does) and with plain fetch (as webhooks are sent).
 */
import { DiscordAPIError, REST } from "@discordjs/rest";
import { Client, GatewayIntentBits, Routes } from "discord.js";
import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import { DiscordFake, type DiscordFakeOptions, fakeSnowflake, rateLimitKey } from "./fakes/discord/server.ts";

const TOKEN = "fake-bot-token.for-tests";
const CHANNEL = "1230000000000000001";
const OTHER_CHANNEL = "1230000000000000002";
const APPLICATION = "1240000000000000001";
const GUILD = "1250000000000000001";

const fakes: DiscordFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function startFake(options: DiscordFakeOptions = {}): Promise<DiscordFake> {
  const fake = await DiscordFake.start({ botToken: TOKEN, ...options });
  fakes.push(fake);
  return fake;
}

function restFor(fake: DiscordFake, token = TOKEN): REST {
  return new REST({ api: fake.api, version: "10" }).setToken(token);
}

/** A real 8×4 PNG, so @discordjs/rest detects image/png from the bytes as it does for Herald's cards. */
function tinyPng(): Buffer {
  const png = new PNG({ width: 8, height: 4 });
  png.data.fill(0x7f);
  return PNG.sync.write(png);
}

function pngBlob(): Blob {
  return new Blob([new Uint8Array(tinyPng())], { type: "image/png" });
}

/** Runs `request` and returns the DiscordAPIError it must reject with. */
async function apiError(request: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await request.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  return error as DiscordAPIError;
}

/** The `errors` tree of a 50035 answer. */
// biome-ignore lint/suspicious/noExplicitAny: walking Discord's error tree by field names.
function formErrors(error: DiscordAPIError): any {
  return (error.rawError as { errors?: unknown }).errors;
}

describe("channel messages through @discordjs/rest", () => {
  it("records an embed whose image is an uploaded PNG, with the file's bytes", async () => {
    const fake = await startFake();
    const png = tinyPng();
    const answer = (await restFor(fake).post(Routes.channelMessages(CHANNEL), {
      body: {
        content: "Outlook and Azure outage",
        embeds: [{ title: "Timeline", image: { url: "attachment://timeline.png" } }],
        attachments: [{ id: 0, filename: "timeline.png" }],
      },
      files: [{ name: "timeline.png", data: png }],
    })) as { id: string; attachments: { url: string }[] };

    expect(fake.messages).toHaveLength(1);
    const [message] = fake.messages;
    expect(message?.id).toBe(answer.id);
    expect(message?.channelId).toBe(CHANNEL);
    expect(message?.body.embeds[0].image.url).toBe("attachment://timeline.png");
    expect(message?.files).toHaveLength(1);
    expect(message?.files[0]?.name).toBe("timeline.png");
    expect(message?.files[0]?.contentType).toBe("image/png");
    expect(message?.files[0]?.bytes.equals(png)).toBe(true);

    // The attachment URL the API answered serves the same bytes back.
    const served = Buffer.from(await (await fetch(answer.attachments[0]?.url ?? "")).arrayBuffer());
    expect(served.equals(png)).toBe(true);
  });

  it("accepts a 4096-character embed description and rejects 4097 with 50035 naming the field", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    await rest.post(Routes.channelMessages(CHANNEL), { body: { embeds: [{ description: "가".repeat(4096) }] } });

    const error = await apiError(
      rest.post(Routes.channelMessages(CHANNEL), { body: { embeds: [{ description: "가".repeat(4097) }] } }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe(50035);
    expect(formErrors(error).embeds[0].description._errors[0].code).toBe("BASE_TYPE_MAX_LENGTH");
    expect(fake.messages).toHaveLength(1);
  });

  it("rejects embeds whose combined text is 6001 characters, and accepts 6000", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const embeds = (lastDescription: number) => [
      { title: "t".repeat(256), description: "d".repeat(4096), footer: { text: "f".repeat(100) } },
      { author: { name: "a".repeat(48) }, fields: [{ name: "n".repeat(100), value: "v".repeat(1000) }] },
      { description: "x".repeat(lastDescription) },
    ];
    await rest.post(Routes.channelMessages(CHANNEL), { body: { embeds: embeds(400) } });

    const error = await apiError(rest.post(Routes.channelMessages(CHANNEL), { body: { embeds: embeds(401) } }));
    expect(error.code).toBe(50035);
    expect(formErrors(error).embeds._errors[0].code).toBe("MAX_EMBED_SIZE_EXCEEDED");
    expect(fake.messages).toHaveLength(1);
  });

  it("rejects an embed image pointing at attachment:// a name that was not uploaded", async () => {
    const fake = await startFake();
    const error = await apiError(
      restFor(fake).post(Routes.channelMessages(CHANNEL), {
        body: { embeds: [{ image: { url: "attachment://card.png" } }] },
        files: [{ name: "timeline.png", data: tinyPng() }],
      }),
    );
    expect(error.code).toBe(50035);
    expect(formErrors(error).embeds[0].image.url._errors[0].message).toContain("timeline.png");
    expect(fake.messages).toHaveLength(0);
  });

  it("rejects content over 2000 characters, an empty message, a 26-character nonce and parse+users mentions", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const post = (body: Record<string, unknown>) => apiError(rest.post(Routes.channelMessages(CHANNEL), { body }));

    const tooLong = await post({ content: "a".repeat(2001) });
    expect(formErrors(tooLong).content._errors[0].code).toBe("BASE_TYPE_MAX_LENGTH");

    const empty = await post({ content: "   ", embeds: [] });
    expect([empty.status, empty.code, empty.message]).toEqual([400, 50006, "Cannot send an empty message"]);

    const nonce = await post({ content: "hi", nonce: "n".repeat(26) });
    expect(formErrors(nonce).nonce._errors[0].code).toBe("BASE_TYPE_MAX_LENGTH");

    const mentions = await post({ content: "<@1>", allowed_mentions: { parse: ["users"], users: ["1"] } });
    expect(formErrors(mentions).allowed_mentions._errors[0].code).toBe("MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE");

    const tooManyEmbeds = await post({ embeds: Array.from({ length: 11 }, () => ({ title: "x" })) });
    expect(formErrors(tooManyEmbeds).embeds._errors[0].code).toBe("BASE_TYPE_MAX_LENGTH");

    expect(fake.messages).toHaveLength(0);
  });

  it("answers 413 / 40005 for a file over 10 MiB", async () => {
    const fake = await startFake();
    const error = await apiError(
      restFor(fake).post(Routes.channelMessages(CHANNEL), {
        body: { content: "big" },
        files: [{ name: "big.bin", data: Buffer.alloc(10 * 1024 * 1024 + 1) }],
      }),
    );
    expect([error.status, error.code]).toEqual([413, 40005]);
    expect(fake.messages).toHaveLength(0);
  });

  it("answers 401 without the right bot token", async () => {
    const fake = await startFake();
    const error = await apiError(
      restFor(fake, "someone-elses-token").post(Routes.channelMessages(CHANNEL), { body: { content: "hi" } }),
    );
    expect([error.status, error.code, error.message]).toEqual([401, 0, "401: Unauthorized"]);

    const bare = await fetch(`${fake.api}/v10${Routes.channelMessages(CHANNEL)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ content: "hi" }),
    });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    expect(fake.messages).toHaveLength(0);
  });

  it("answers 403 / 50013 for a channel the bot may not post in", async () => {
    const fake = await startFake();
    fake.denyChannel(CHANNEL, 50013);
    const error = await apiError(restFor(fake).post(Routes.channelMessages(CHANNEL), { body: { content: "hi" } }));
    expect([error.status, error.code, error.message]).toEqual([403, 50013, "Missing Permissions"]);

    fake.denyChannel(OTHER_CHANNEL, 10003);
    const unknown = await apiError(
      restFor(fake).post(Routes.channelMessages(OTHER_CHANNEL), { body: { content: "hi" } }),
    );
    expect([unknown.status, unknown.code]).toEqual([404, 10003]);
    expect(fake.messages).toHaveLength(0);
  });

  it("returns the same message for a repeated nonce with enforce_nonce, without creating another", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const body = { content: "breaking", nonce: "article-fb2e8609", enforce_nonce: true };
    const first = (await rest.post(Routes.channelMessages(CHANNEL), { body })) as { id: string };
    const second = (await rest.post(Routes.channelMessages(CHANNEL), { body })) as { id: string };
    expect(second.id).toBe(first.id);
    expect(fake.messages).toHaveLength(1);

    // Another channel, or no enforce_nonce, is a new message.
    const elsewhere = (await rest.post(Routes.channelMessages(OTHER_CHANNEL), { body })) as { id: string };
    const unenforced = (await rest.post(Routes.channelMessages(CHANNEL), {
      body: { ...body, enforce_nonce: false },
    })) as { id: string };
    expect(new Set([first.id, elsewhere.id, unenforced.id]).size).toBe(3);
    expect(fake.messages).toHaveLength(3);
  });

  it("edits and deletes a message, and answers 10008 for one that does not exist", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const created = (await rest.post(Routes.channelMessages(CHANNEL), { body: { content: "v1" } })) as { id: string };
    await rest.patch(Routes.channelMessage(CHANNEL, created.id), { body: { content: "v2" } });
    expect(fake.messages[0]?.body.content).toBe("v2");

    await rest.delete(Routes.channelMessage(CHANNEL, created.id));
    expect(fake.messages[0]?.deletedAt).toBeDefined();
    const gone = await apiError(rest.patch(Routes.channelMessage(CHANNEL, created.id), { body: { content: "v3" } }));
    expect([gone.status, gone.code]).toEqual([404, 10008]);
  });
});

describe("rate limits and failures", () => {
  it("lets @discordjs/rest wait out a forced 429 and retry, so the message arrives once", async () => {
    const fake = await startFake();
    fake.failNext(1, 429, { retryAfter: 0.2 });
    await restFor(fake).post(Routes.channelMessages(CHANNEL), { body: { content: "after the 429" } });

    expect(fake.messages.map((message) => message.body.content)).toEqual(["after the 429"]);
    expect(fake.requests.map((request) => request.status)).toEqual([429, 200]);
    expect(fake.rateLimitHits.get(rateLimitKey("POST /channels/:id/messages", CHANNEL))).toBe(1);
  });

  it("lets @discordjs/rest retry a 500 by itself", async () => {
    const fake = await startFake();
    fake.failNext(1, 500);
    await restFor(fake).post(Routes.channelMessages(CHANNEL), { body: { content: "after the 500" } });
    expect(fake.messages).toHaveLength(1);
    expect(fake.requests.map((request) => request.status)).toEqual([500, 200]);
  });

  it("answers Discord's 429 shape past the bucket and does not perform the request", async () => {
    const fake = await startFake({ rateLimits: true, bucketLimit: 2, bucketResetMs: 60_000 });
    const post = (content: string) =>
      fetch(`${fake.api}/v10${Routes.channelMessages(CHANNEL)}`, {
        method: "POST",
        headers: { authorization: `Bot ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ content }),
      });
    const first = await post("1");
    expect(first.headers.get("x-ratelimit-limit")).toBe("2");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("1");
    expect(Number(first.headers.get("x-ratelimit-reset-after"))).toBeGreaterThan(0);
    expect(first.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]{32}$/);
    await post("2");

    const limited = await post("3");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await limited.json()) as { message: string; retry_after: number; global: boolean };
    expect(body.message).toBe("You are being rate limited.");
    expect(body.global).toBe(false);
    expect(body.retry_after).toBeGreaterThan(0);
    expect(fake.messages.map((message) => message.body.content)).toEqual(["1", "2"]);

    // Another channel is another bucket.
    const elsewhere = await fetch(`${fake.api}/v10${Routes.channelMessages(OTHER_CHANNEL)}`, {
      method: "POST",
      headers: { authorization: `Bot ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ content: "other" }),
    });
    expect(elsewhere.status).toBe(200);
  });

  it("answers a forced global 429 with X-RateLimit-Global and global: true", async () => {
    const fake = await startFake();
    fake.failNext(1, 429, { retryAfter: 0.5, global: true });
    const answer = await fetch(`${fake.api}/v10${Routes.channelMessages(CHANNEL)}`, {
      method: "POST",
      headers: { authorization: `Bot ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ content: "hi" }),
    });
    expect(answer.status).toBe(429);
    expect(answer.headers.get("x-ratelimit-global")).toBe("true");
    expect(answer.headers.get("x-ratelimit-scope")).toBe("global");
    expect(await answer.json()).toEqual({ message: "You are being rate limited.", retry_after: 0.5, global: true });
    expect(fake.messages).toHaveLength(0);
    expect(fake.rateLimitHits.get("global")).toBe(1);
  });

  it("lets one REST instance send 12 messages into a 5-per-window bucket with zero 429s, pacing from the headers", async () => {
    const fake = await startFake({ rateLimits: true, bucketLimit: 5, bucketResetMs: 1000 });
    const rest = restFor(fake);
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        rest.post(Routes.channelMessages(CHANNEL), { body: { content: `message ${index}` } }),
      ),
    );
    expect(fake.messages).toHaveLength(12);
    expect(fake.requests.filter((request) => request.status === 429)).toEqual([]);
    expect(fake.rateLimitHits.size).toBe(0);
  });
});

describe("webhooks", () => {
  it("answers the message with its id for ?wait=true, and 204 without wait", async () => {
    const fake = await startFake();
    const url = fake.webhookUrl();
    const send = (query: string, content: string) =>
      fetch(`${url}${query}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ content, username: "Herald" }),
      });

    const waited = await send("?wait=true", "with wait");
    expect(waited.status).toBe(200);
    const message = (await waited.json()) as { id: string; content: string };
    expect(message.content).toBe("with wait");
    expect(message.id).toBe(fake.messages[0]?.id);
    expect(fake.messages[0]?.webhookId).not.toBeNull();

    const fireAndForget = await send("", "no wait");
    expect(fireAndForget.status).toBe(204);
    expect(fake.messages).toHaveLength(2);
  });

  it("accepts files as files[n] with payload_json, and rejects other multipart shapes", async () => {
    const fake = await startFake();
    const url = `${fake.webhookUrl()}?wait=true`;
    const form = new FormData();
    form.append("payload_json", JSON.stringify({ embeds: [{ image: { url: "attachment://timeline.png" } }] }));
    form.append("files[0]", pngBlob(), "timeline.png");
    expect((await fetch(url, { method: "POST", body: form })).status).toBe(200);
    expect(fake.messages[0]?.files[0]?.name).toBe("timeline.png");

    const looseFile = new FormData();
    looseFile.append("payload_json", JSON.stringify({ content: "x" }));
    looseFile.append("file", pngBlob(), "timeline.png");
    expect((await fetch(url, { method: "POST", body: looseFile })).status).toBe(400);

    const unmatchedAttachment = new FormData();
    unmatchedAttachment.append("payload_json", JSON.stringify({ content: "x", attachments: [{ id: 1 }] }));
    unmatchedAttachment.append("files[0]", pngBlob(), "timeline.png");
    const unmatched = await fetch(url, { method: "POST", body: unmatchedAttachment });
    expect(unmatched.status).toBe(400);
    expect(((await unmatched.json()) as { code: number }).code).toBe(50035);

    const badJson = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ message: "The request body contains invalid JSON.", code: 50109 });
    expect(fake.messages).toHaveLength(1);
  });

  it("answers 404 / 10015 for an unknown webhook and 401 / 50027 for a wrong token", async () => {
    const fake = await startFake();
    const id = fakeSnowflake();
    fake.webhookUrl(id, "right-token");
    const send = (webhookId: string, token: string) =>
      fetch(`${fake.api}/webhooks/${webhookId}/${token}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ content: "hi" }),
      });
    const unknown = await send(fakeSnowflake(), "right-token");
    expect([unknown.status, ((await unknown.json()) as { code: number }).code]).toEqual([404, 10015]);
    const wrongToken = await send(id, "wrong-token");
    expect([wrongToken.status, ((await wrongToken.json()) as { code: number }).code]).toEqual([401, 50027]);
    expect(fake.messages).toHaveLength(0);
  });
});

describe("interactions and commands", () => {
  it("records one interaction response, refuses a second with 40060, and records the @original edit", async () => {
    const fake = await startFake();
    const rest = new REST({ api: fake.api, version: "10" });
    const interaction = fakeSnowflake();
    const token = "interaction-token-1";
    await rest.post(Routes.interactionCallback(interaction, token), {
      auth: false,
      body: { type: 5 },
    });
    const again = await apiError(
      rest.post(Routes.interactionCallback(interaction, token), {
        auth: false,
        body: { type: 4, data: { content: "x" } },
      }),
    );
    expect([again.status, again.code]).toEqual([400, 40060]);

    await rest.patch(Routes.webhookMessage(APPLICATION, token), { auth: false, body: { content: "Herald is up" } });
    expect(fake.interactionResponses.map((response) => response.kind)).toEqual(["callback", "edit-original"]);
    expect(fake.interactionResponses[1]?.body.content).toBe("Herald is up");
  });

  it("records a valid command overwrite and rejects an upper-case command name", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const commands = [
      {
        name: "herald-status",
        description: "Show Herald's delivery status",
        options: [{ type: 3, name: "platform", description: "discord, slack or telegram", required: false }],
      },
    ];
    const answered = (await rest.put(Routes.applicationGuildCommands(APPLICATION, GUILD), {
      body: commands,
    })) as { id: string; name: string }[];
    expect(answered[0]?.name).toBe("herald-status");
    expect(answered[0]?.id).toMatch(/^\d{17,20}$/);
    expect(fake.commandSets).toHaveLength(1);
    expect(fake.commandSets[0]?.guildId).toBe(GUILD);

    const error = await apiError(
      rest.put(Routes.applicationCommands(APPLICATION), { body: [{ name: "Herald", description: "x" }] }),
    );
    expect(error.code).toBe(50035);
    expect(formErrors(error)[0].name._errors[0].code).toBe("APPLICATION_COMMAND_INVALID_NAME");
    expect(fake.commandSets).toHaveLength(1);
  });
});

describe("gateway sessions", () => {
  it("counts the sessions open at once per bot token and keeps the peak after one closes", async () => {
    const fake = await startFake({ gateway: { heartbeatIntervalMs: 50 } });
    const clients = [0, 1].map(() => new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.api } }));
    try {
      await clients[0]?.login(TOKEN);
      expect(fake.gateway.openSessions(TOKEN)).toBe(1);
      expect(fake.gateway.maxConcurrentSessions(TOKEN)).toBe(1);
      await clients[1]?.login(TOKEN);
      expect(fake.gateway.openSessions(TOKEN)).toBe(2);
      await clients[0]?.destroy();
      await fake.gateway.waitFor("the first session to close", () => fake.gateway.openSessions(TOKEN) === 1);
      expect(fake.gateway.maxConcurrentSessions(TOKEN)).toBe(2);
      expect(fake.gateway.maxConcurrentSessions("another-token")).toBe(0);
    } finally {
      await Promise.all(clients.map((client) => client.destroy()));
    }
  });
});

describe("DiscordFake: story calls refused as Discord refuses them", () => {
  it("starts one thread from a message; a second start is 160004, a thread inside a thread 50024", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const posted = (await rest.post(Routes.channelMessages(CHANNEL), { body: { content: "story" } })) as { id: string };
    await rest.post(Routes.threads(CHANNEL, posted.id), { body: { name: "Story", auto_archive_duration: 1440 } });
    const again = await apiError(rest.post(Routes.threads(CHANNEL, posted.id), { body: { name: "Story" } }));
    expect([again.status, again.code]).toEqual([400, 160004]);
    const inThread = (await rest.post(Routes.channelMessages(posted.id), { body: { content: "reply" } })) as {
      id: string;
    };
    const nested = await apiError(rest.post(Routes.threads(posted.id, inThread.id), { body: { name: "Nested" } }));
    expect([nested.status, nested.code]).toEqual([400, 50024]);
    expect(fake.threads).toHaveLength(1);
  });

  it("refuses a thread name over 100 characters and posting into a thread never started", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const posted = (await rest.post(Routes.channelMessages(CHANNEL), { body: { content: "story" } })) as { id: string };
    const long = await apiError(rest.post(Routes.threads(CHANNEL, posted.id), { body: { name: "x".repeat(101) } }));
    expect(long.code).toBe(50035);
    const unstarted = await apiError(rest.post(Routes.channelMessages(posted.id), { body: { content: "reply" } }));
    expect([unstarted.status, unstarted.code]).toEqual([404, 10003]);
  });

  it("refuses an edit of a member's message (50005) and of an unknown one (10008)", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const theirs = fake.postAsMember(CHANNEL, "hello");
    const other = await apiError(rest.patch(Routes.channelMessage(CHANNEL, theirs), { body: { content: "x" } }));
    expect([other.status, other.code]).toEqual([403, 50005]);
    const unknown = await apiError(
      rest.patch(Routes.channelMessage(CHANNEL, fakeSnowflake()), { body: { content: "x" } }),
    );
    expect([unknown.status, unknown.code]).toEqual([404, 10008]);
  });

  it("lets a create set only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS, and refuses posts in a forum channel", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    await rest.post(Routes.channelMessages(CHANNEL), { body: { content: "quiet", flags: 4096 } });
    expect(fake.messages[0]?.body.flags).toBe(4096);
    const crossposted = await apiError(
      rest.post(Routes.channelMessages(CHANNEL), { body: { content: "x", flags: 1 } }),
    );
    expect(crossposted.code).toBe(50035);
    fake.setChannelType(OTHER_CHANNEL, 15);
    const forum = await apiError(rest.post(Routes.channelMessages(OTHER_CHANNEL), { body: { content: "x" } }));
    expect([forum.status, forum.code]).toEqual([400, 50008]);
  });
});

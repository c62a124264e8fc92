/**
 * Slash commands through the HTTP interactions endpoint: the fake plays Discord,
 * delivering signed interactions to the adapter mounted on a real node:http server,
 * and records the deferred answer and the `@original` edit that finishes it.
 */
import { generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { PNG } from "pngjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDiscordAdapter, type DiscordAdapter } from "../adapters/discord/index.ts";
import type { CommandHandler, CommandReply, CommandRequest } from "../src/chat/types.ts";
import { buildMessage } from "../src/message/build.ts";
import { DiscordFake, fakeSnowflake } from "./fakes/discord/server.ts";
import type { RecordedInteractionResponse } from "./fakes/discord/types.ts";
import { koreanOutageArticle, timelineCard } from "./fixtures/format/articles.ts";
import { serveAdapterRoutes } from "./helpers/adapter-routes.ts";
import { recordingLog } from "./helpers/log.ts";

const TOKEN = "interactions-test-bot-token";
const APPLICATION = "1240000000000000201";
const CHANNEL = "1230000000000000201";
const USER = "1270000000000000201";
const ADMIN_USER = "1270000000000000202";

interface Setup {
  fake: DiscordFake;
  adapter: DiscordAdapter;
  endpoint: string;
  privateKey: KeyObject;
  /** Every request the handler was given, with what `isAdmin()` answered. */
  seen: { request: CommandRequest; admin: boolean }[];
  /** What the adapter logged, as one line per entry. */
  logged: string[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Answers with a paragraph that echoes what arrived, as the command core would answer with text. */
const echo: CommandHandler = async (request) => ({
  ephemeral: true,
  blocks: [
    {
      type: "paragraph",
      children: [
        { type: "text", value: `${request.command} ${request.subcommand} ${JSON.stringify(request.options)}` },
      ],
    },
  ],
});

async function setup(handler: CommandHandler = echo, options: { maxInteractionBytes?: number } = {}): Promise<Setup> {
  const fake = await DiscordFake.start({ botToken: TOKEN });
  cleanups.push(() => fake.close());
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  // The raw 32-byte key is the tail of the DER SubjectPublicKeyInfo, as the Developer Portal shows it.
  const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
  const logged: string[] = [];
  const adapter = createDiscordAdapter({
    token: TOKEN,
    mode: "http",
    log: recordingLog((_level, fields, message) => logged.push(`${message} ${JSON.stringify(fields)}`)),
    publicKey: publicKeyHex,
    apiUrl: fake.api,
    admins: [ADMIN_USER],
    maxInteractionBytes: options.maxInteractionBytes,
  });
  const seen: Setup["seen"] = [];
  await adapter.start(async (request) => {
    seen.push({ request, admin: await request.isAdmin() });
    return handler(request);
  });
  const server = await serveAdapterRoutes(adapter.httpRoutes());
  cleanups.push(async () => {
    await adapter.stop();
    await server.close();
  });
  return { fake, adapter, endpoint: `${server.baseUrl}/discord/interactions`, privateKey, seen, logged };
}

function signer(privateKey: KeyObject, timestamp = Math.floor(Date.now() / 1000)) {
  return (body: string) => ({
    "x-signature-ed25519": sign(null, Buffer.from(`${timestamp}${body}`), privateKey).toString("hex"),
    "x-signature-timestamp": String(timestamp),
  });
}

interface InteractionShape {
  command?: string;
  subcommand?: string;
  options?: { name: string; type: number; value: string | number }[];
  permissions?: string | null;
  user?: string;
  locale?: string;
}

/** A CHAT_INPUT interaction as Discord sends it from a server channel. */
function commandInteraction(shape: InteractionShape = {}) {
  const user = { id: shape.user ?? USER, username: "reader", discriminator: "0", global_name: "Reader" };
  const subcommand = shape.subcommand ?? "search";
  return {
    id: fakeSnowflake(),
    application_id: APPLICATION,
    type: 2,
    token: `aW50ZXJhY3Rpb246${randomBytes(24).toString("base64url")}`,
    version: 1,
    locale: shape.locale ?? "ko",
    guild_locale: "ko",
    guild_id: "1250000000000000201",
    channel_id: CHANNEL,
    channel: { id: CHANNEL, type: 0, name: "news" },
    app_permissions: "2248473465835073",
    ...(shape.permissions === null
      ? { user }
      : {
          member: { user, roles: [], permissions: shape.permissions ?? "2048", joined_at: "2024-01-01T00:00:00.000Z" },
        }),
    data: {
      id: fakeSnowflake(),
      name: shape.command ?? "news",
      type: 1,
      options: [{ name: subcommand, type: 1, options: shape.options ?? [{ name: "query", type: 3, value: "장애" }] }],
    },
  };
}

/** The `@original` edit for an interaction token, once it has arrived. */
async function originalEdit(fake: DiscordFake, token: string): Promise<RecordedInteractionResponse> {
  return vi.waitFor(
    () => {
      const edit = fake.interactionResponses.find(
        (response) => response.kind === "edit-original" && response.token === token,
      );
      if (!edit) throw new Error("no @original edit yet");
      return edit;
    },
    { timeout: 5000, interval: 10 },
  );
}

describe("signature checks", () => {
  it("answers a signed PING with PONG, and nothing reaches the command handler", async () => {
    const { fake, endpoint, privateKey, seen } = await setup();
    const ping = { id: fakeSnowflake(), application_id: APPLICATION, type: 1, token: "ping-token", version: 1 };
    const answer = await fake.sendInteraction(endpoint, ping, signer(privateKey));
    expect(answer).toEqual({ status: 200, body: { type: 1 } });
    expect(seen).toHaveLength(0);
  });

  it("refuses with 401 a wrong key's signature, missing headers and a tampered body, before running anything", async () => {
    const { endpoint, privateKey, seen, fake } = await setup();
    const body = JSON.stringify(commandInteraction());
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(endpoint, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: payload });

    const stranger = generateKeyPairSync("ed25519").privateKey;
    expect((await post(signer(stranger)(body))).status).toBe(401);
    expect((await post({})).status).toBe(401);
    const tampered = body.replace("장애", "hack");
    const refused = await post(signer(privateKey)(body), tampered);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toContain("invalid request signature");

    expect(seen).toHaveLength(0);
    expect(fake.interactionResponses).toHaveLength(0);
  });

  it("refuses with 401 a correctly signed interaction whose timestamp is 6 minutes old", async () => {
    const { fake, endpoint, privateKey, seen } = await setup();
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const answer = await fake.sendInteraction(endpoint, commandInteraction(), signer(privateKey, sixMinutesAgo));
    expect(answer.status).toBe(401);
    expect(seen).toHaveLength(0);
  });

  it("refuses with 413 a body over the size cap, without reading it into a command", async () => {
    const { endpoint, privateKey, seen } = await setup(echo, { maxInteractionBytes: 4096 });
    const interaction = commandInteraction({ options: [{ name: "query", type: 3, value: "x".repeat(5000) }] });
    const body = JSON.stringify(interaction);
    const answer = await fetch(endpoint, { method: "POST", headers: signer(privateKey)(body), body });
    expect(answer.status).toBe(413);
    expect(seen).toHaveLength(0);
  });
});

describe("commands", () => {
  it("defers /news search ephemerally, runs the handler with the Korean query and locale, then edits @original", async () => {
    const { fake, endpoint, privateKey, seen } = await setup();
    const interaction = commandInteraction({ locale: "ko" });
    const answer = await fake.sendInteraction(endpoint, interaction, signer(privateKey));
    expect(answer).toEqual({ status: 200, body: { type: 5, data: { flags: 64 } } });

    const edit = await originalEdit(fake, interaction.token);
    expect(edit.applicationId).toBe(APPLICATION);
    expect(edit.body.content).toBe('news search {"query":"장애"}');
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });

    expect(seen).toHaveLength(1);
    const { request } = seen[0]!;
    expect(request).toMatchObject({
      platform: "discord",
      command: "news",
      subcommand: "search",
      options: { query: "장애" },
      channelId: CHANNEL,
      userId: USER,
      locale: "ko",
    });
  });

  it("passes /news latest count as text and an English locale through", async () => {
    const { fake, endpoint, privateKey, seen } = await setup();
    const interaction = commandInteraction({
      subcommand: "latest",
      options: [{ name: "count", type: 4, value: 5 }],
      locale: "en-US",
    });
    await fake.sendInteraction(endpoint, interaction, signer(privateKey));
    await originalEdit(fake, interaction.token);
    expect(seen[0]?.request).toMatchObject({ subcommand: "latest", options: { count: "5" }, locale: "en-US" });
  });

  it("decides isAdmin from the member's permission bitfield, or the configured admin list", async () => {
    const { fake, endpoint, privateKey, seen } = await setup();
    const cases: [InteractionShape, boolean][] = [
      [{ permissions: "2048" }, false], // Send Messages only
      [{ permissions: "0" }, false],
      [{ permissions: "32" }, true], // Manage Server
      [{ permissions: String(0x20n | 0x400n) }, true],
      [{ permissions: "8" }, true], // Administrator
      [{ permissions: null }, false], // no member: not in a server
      [{ permissions: "2048", user: ADMIN_USER }, true],
    ];
    for (const [shape, _] of cases) {
      const interaction = commandInteraction({ command: "feeds", subcommand: "list", options: [], ...shape });
      await fake.sendInteraction(endpoint, interaction, signer(privateKey));
      await originalEdit(fake, interaction.token);
    }
    expect(seen.map((entry) => entry.admin)).toEqual(cases.map(([, admin]) => admin));
    expect(seen.every((entry) => entry.request.command === "feeds" && entry.request.subcommand === "list")).toBe(true);
  });

  it("answers /news show with the delivery embed and the card PNG as a multipart @original edit", async () => {
    const png = new PNG({ width: 10, height: 5 });
    png.data.fill(0x99);
    const cardBytes = new Uint8Array(PNG.sync.write(png));
    const showArticle: CommandHandler = async (): Promise<CommandReply> => ({
      ephemeral: false,
      blocks: [],
      article: {
        message: buildMessage(koreanOutageArticle(), { card: timelineCard, detail: "full" }),
        card: { filename: "timeline.png", png: cardBytes },
      },
    });
    const { fake, endpoint, privateKey } = await setup(showArticle);
    const interaction = commandInteraction({
      subcommand: "show",
      options: [{ name: "article", type: 3, value: "fb2e8609" }],
    });
    await fake.sendInteraction(endpoint, interaction, signer(privateKey));

    const edit = await originalEdit(fake, interaction.token);
    expect(edit.body.embeds[0].title).toContain("아웃룩");
    expect(edit.body.embeds[0].image.url).toBe("attachment://timeline.png");
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]?.name).toBe("timeline.png");
    expect(edit.files[0]?.contentType).toBe("image/png");
    expect(new Uint8Array(edit.files[0]!.bytes)).toEqual(cardBytes);
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
  });

  it("renders reply blocks as escaped Discord Markdown within 2000 characters", async () => {
    const long: CommandHandler = async () => ({
      ephemeral: true,
      blocks: [
        { type: "heading", depth: 2, children: [{ type: "text", value: "검색 결과" }] },
        { type: "paragraph", children: [{ type: "text", value: `@everyone *not bold* ${"가".repeat(3000)}` }] },
      ],
    });
    const { fake, endpoint, privateKey } = await setup(long);
    const interaction = commandInteraction();
    await fake.sendInteraction(endpoint, interaction, signer(privateKey));
    const content: string = (await originalEdit(fake, interaction.token)).body.content;
    expect(content.startsWith("**검색 결과**")).toBe(true);
    expect(content).toContain("\\*not bold\\*");
    expect(content).not.toContain("@everyone");
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content.endsWith("…")).toBe(true);
  });

  it("tells the user in their language when the handler fails, instead of leaving them waiting", async () => {
    const failing: CommandHandler = async () => {
      throw new Error("store is locked");
    };
    const { fake, endpoint, privateKey } = await setup(failing);
    const interaction = commandInteraction({ locale: "ko" });
    await fake.sendInteraction(endpoint, interaction, signer(privateKey));
    const edit = await originalEdit(fake, interaction.token);
    expect(edit.body.content).toContain("명령을 처리하지 못했습니다");
    expect(edit.body.content).not.toContain("store is locked");
  });

  it("answers a command Herald does not have right away, ephemerally, without running the handler", async () => {
    const { fake, endpoint, privateKey, seen } = await setup();
    const interaction = commandInteraction({ command: "herald-status", locale: "en-US" });
    const answer = await fake.sendInteraction(endpoint, interaction, signer(privateKey));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      type: 4,
      data: { flags: 64, content: expect.stringContaining("/herald-status") },
    });
    expect(seen).toHaveLength(0);
  });

  it("refuses a signed but malformed interaction with 400 naming the field, and an autocomplete with 400", async () => {
    const { endpoint, privateKey, seen } = await setup();
    const post = (payload: unknown) => {
      const body = JSON.stringify(payload);
      return fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", ...signer(privateKey)(body) },
        body,
      });
    };
    const malformed = await post({ ...commandInteraction(), member: { user: { id: USER }, permissions: "all" } });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toContain("interaction.member.permissions");

    const autocomplete = await post({ ...commandInteraction(), type: 4 });
    expect(autocomplete.status).toBe(400);
    expect(seen).toHaveLength(0);
  });

  it("logs an @original edit Discord refuses without the interaction token", async () => {
    const { adapter, endpoint, privateKey, logged } = await setup();
    // Sent around the fake, so Discord (the fake) never saw this interaction and refuses its token.
    const interaction = commandInteraction();
    const body = JSON.stringify(interaction);
    const answer = await fetch(endpoint, { method: "POST", headers: signer(privateKey)(body), body });
    expect(answer.status).toBe(200);
    await adapter.stop();

    const failure = logged.find((line) => line.includes("could not deliver the command reply"));
    expect(failure).toContain(
      `DiscordAPIError[10015] Unknown Webhook on PATCH /webhooks/${APPLICATION}/***/messages/@original`,
    );
    expect(logged.join("\n")).not.toContain(interaction.token);
    expect(logged.join("\n")).not.toContain(TOKEN);
  });
});

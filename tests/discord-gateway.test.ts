/**
 * Slash commands through the gateway: the adapter's real discord.js `Client`
 * asks the REST fake for the gateway URL, logs in to the gateway fake (HELLO,
 * IDENTIFY, READY, heartbeats), receives `INTERACTION_CREATE` from it, and
 * answers over REST: a deferred ephemeral callback, then the `@original` edit.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { createDiscordAdapter, type DiscordAdapter } from "../adapters/discord/index.ts";
import type { CommandHandler, CommandRequest } from "../src/chat/types.ts";
import { AuthenticationError } from "../src/errors.ts";
import { DiscordFake, DiscordGatewayFake, fakeSnowflake } from "./fakes/discord/server.ts";
import type { RecordedInteractionResponse } from "./fakes/discord/types.ts";
import { recordingLog } from "./helpers/log.ts";

const TOKEN = "gateway-test-bot-token";
const APPLICATION = "1240000000000000301";
const CHANNEL = "1230000000000000301";
const GUILD = "1250000000000000301";
const USER = "1270000000000000301";
/** The Guilds intent: all Herald needs for interactions. */
const GUILDS_INTENT = 1;

interface Setup {
  fake: DiscordFake;
  adapter: DiscordAdapter;
  /** Every request the handler was given, with what `isAdmin()` answered. */
  seen: { request: CommandRequest; admin: boolean }[];
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

/** A fake with a gateway, and an adapter whose `start` is left to the test. */
async function fakeAndAdapter(options: { adapterToken?: string; gatewayToken?: string } = {}) {
  const fake = await DiscordFake.start({
    botToken: TOKEN,
    gateway: {
      heartbeatIntervalMs: 50,
      applicationId: APPLICATION,
      ...(options.gatewayToken ? { botToken: options.gatewayToken } : {}),
    },
  });
  cleanups.push(() => fake.close());
  const logged: string[] = [];
  const adapter = createDiscordAdapter({
    token: options.adapterToken ?? TOKEN,
    mode: "gateway",
    apiUrl: fake.api,
    log: recordingLog((_level, fields, message) => logged.push(`${message} ${JSON.stringify(fields)}`)),
  });
  cleanups.push(() => adapter.stop());
  return { fake, adapter, logged };
}

async function setup(handler: CommandHandler = echo): Promise<Setup> {
  const { fake, adapter, logged } = await fakeAndAdapter();
  const seen: Setup["seen"] = [];
  await adapter.start(async (request) => {
    seen.push({ request, admin: await request.isAdmin() });
    return handler(request);
  });
  return { fake, adapter, seen, logged };
}

interface InteractionShape {
  permissions?: string;
  locale?: string;
  query?: string;
}

/** A `/news search` interaction as Discord dispatches it in INTERACTION_CREATE. */
function commandInteraction(shape: InteractionShape = {}) {
  const user = { id: USER, username: "reader", discriminator: "0", global_name: "Reader", avatar: null };
  return {
    id: fakeSnowflake(),
    application_id: APPLICATION,
    type: 2,
    token: `aW50ZXJhY3Rpb246${randomBytes(24).toString("base64url")}`,
    version: 1,
    locale: shape.locale ?? "ko",
    guild_locale: "ko",
    guild_id: GUILD,
    channel_id: CHANNEL,
    channel: { id: CHANNEL, type: 0, name: "news", guild_id: GUILD },
    app_permissions: "2248473465835073",
    entitlements: [],
    authorizing_integration_owners: { "0": GUILD },
    context: 0,
    attachment_size_limit: 10_485_760,
    member: {
      user,
      roles: [],
      permissions: shape.permissions ?? "2048",
      joined_at: "2024-01-01T00:00:00.000Z",
      deaf: false,
      mute: false,
    },
    data: {
      id: fakeSnowflake(),
      name: "news",
      type: 1,
      options: [{ name: "search", type: 1, options: [{ name: "query", type: 3, value: shape.query ?? "장애" }] }],
    },
  };
}

/** The response of `kind` for an interaction token, once it has arrived. */
function responseFor(
  fake: DiscordFake,
  token: string,
  kind: RecordedInteractionResponse["kind"],
): Promise<RecordedInteractionResponse> {
  return vi.waitFor(
    () => {
      const found = fake.interactionResponses.find((response) => response.kind === kind && response.token === token);
      if (!found) throw new Error(`no ${kind} yet`);
      return found;
    },
    { timeout: 5000, interval: 10 },
  );
}

describe("gateway login", () => {
  it("fetches the gateway URL over REST, then identifies with the token and only the Guilds intent", async () => {
    const { fake } = await setup();
    expect(fake.requests.some((request) => request.path === "/api/v10/gateway/bot" && request.status === 200)).toBe(
      true,
    );
    expect(fake.gateway.ready).toBe(true);
    const [connection] = fake.gateway.connections;
    expect(connection?.query).toEqual({ v: "10", encoding: "json" });
    expect(connection?.identify?.intents).toBe(GUILDS_INTENT);
    // The gateway answers heartbeats; the client keeps beating at the interval HELLO gave.
    await fake.gateway.waitFor("two heartbeats", (connections) => (connections[0]?.heartbeats ?? 0) >= 2);
    expect(connection?.closed).toBeNull();
  });

  it("rejects start() with an AuthenticationError when Discord refuses the token, without echoing it", async () => {
    const badToken = "not-the-bot-token-abcdef";
    const { fake, adapter } = await fakeAndAdapter({ adapterToken: badToken });
    const failure = await adapter.start(echo).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as Error).message).not.toContain(badToken);
    expect((failure as AuthenticationError).retryable).toBe(false);
    expect(fake.gateway.connections).toHaveLength(0);
  });

  it("rejects start() with an AuthenticationError when the gateway closes with 4004 Authentication failed", async () => {
    // REST accepts the token, the gateway does not (a token reset between the two calls).
    const { fake, adapter } = await fakeAndAdapter({ gatewayToken: "the-gateway-wants-another-token" });
    const failure = await adapter.start(echo).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as Error).message).not.toContain(TOKEN);
    expect((failure as AuthenticationError).retryable).toBe(false);
    await fake.gateway.waitFor("the refused connection to close", (connections) => connections[0]?.closed !== null);
    expect(fake.gateway.connections[0]?.closed).toMatchObject({ code: 4004, by: "gateway" });
    expect(fake.gateway.connections).toHaveLength(1);
  });

  it("stop() closes the gateway connection normally", async () => {
    const { fake, adapter } = await setup();
    await adapter.stop();
    await fake.gateway.waitFor("the client to close", (connections) => connections[0]?.closed !== null);
    expect(fake.gateway.connections[0]?.closed).toMatchObject({ code: 1000, by: "client" });
    expect(fake.gateway.ready).toBe(false);
    expect(fake.gateway.connections).toHaveLength(1);
  });
});

describe("slash commands from the gateway", () => {
  it("defers /news search ephemerally, runs the handler with the Korean query, then edits @original", async () => {
    const { fake, seen } = await setup();
    const interaction = commandInteraction();
    fake.gateway.dispatchInteraction(interaction);

    const edit = await responseFor(fake, interaction.token, "edit-original");
    const callback = await responseFor(fake, interaction.token, "callback");
    expect(callback).toMatchObject({ interactionId: interaction.id, type: 5 });
    expect(fake.interactionResponses.indexOf(callback)).toBeLessThan(fake.interactionResponses.indexOf(edit));
    expect(callback.body.data?.flags).toBe(64);
    expect(edit.applicationId).toBe(APPLICATION);
    expect(edit.body.content).toContain('news search {"query":"장애"}');

    expect(seen).toHaveLength(1);
    expect(seen[0]?.request).toMatchObject({
      platform: "discord",
      command: "news",
      subcommand: "search",
      options: { query: "장애" },
      channelId: CHANNEL,
      userId: USER,
      locale: "ko",
    });
    expect(seen[0]?.admin).toBe(false);
  });

  it("treats Manage Server (32) as admin and Send Messages (2048) as not", async () => {
    const { fake, seen } = await setup();
    const manager = commandInteraction({ permissions: "32", query: "manager" });
    const member = commandInteraction({ permissions: "2048", query: "member", locale: "en-US" });
    fake.gateway.dispatchInteraction(manager);
    fake.gateway.dispatchInteraction(member);
    await responseFor(fake, manager.token, "edit-original");
    await responseFor(fake, member.token, "edit-original");

    const adminByQuery = Object.fromEntries(seen.map(({ request, admin }) => [request.options.query, admin]));
    expect(adminByQuery).toEqual({ manager: true, member: false });
    expect(seen.find(({ request }) => request.options.query === "member")?.request.locale).toBe("en-US");
  });

  it("answers with the failure reply, still ephemeral, when the handler throws", async () => {
    const { fake, logged } = await setup(async () => {
      throw new Error("search index unavailable");
    });
    const interaction = commandInteraction();
    fake.gateway.dispatchInteraction(interaction);
    const edit = await responseFor(fake, interaction.token, "edit-original");
    expect(typeof edit.body.content).toBe("string");
    expect(edit.body.content).not.toContain("search index unavailable");
    expect(logged.some((line) => line.includes("discord command handler failed"))).toBe(true);
    expect(logged.join("\n")).not.toContain(interaction.token);
  });
});

describe("the gateway fake refuses what Discord refuses", () => {
  /** Opens a raw connection and collects what the gateway sends until it closes. */
  async function rawSession(gateway: DiscordGatewayFake, send: (socket: WebSocket) => void) {
    const socket = new WebSocket(`${gateway.url}?v=10&encoding=json`);
    const received: { op: number; t?: string | null; d?: unknown }[] = [];
    socket.on("message", (data) => {
      const payload = JSON.parse(data.toString()) as (typeof received)[number];
      received.push(payload);
      if (payload.op === 10) send(socket);
    });
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    cleanups.push(async () => {
      socket.terminate();
    });
    return { socket, received, closed };
  }

  const identify = (token: string, intents: number) => ({
    op: 2,
    d: { token, intents, properties: { os: "linux", browser: "test", device: "test" } },
  });

  it("closes with 4014 when the bot asks for a privileged intent (Message Content) it was not granted", async () => {
    const gateway = await DiscordGatewayFake.start({ botToken: TOKEN });
    cleanups.push(() => gateway.close());
    const session = await rawSession(gateway, (socket) =>
      socket.send(JSON.stringify(identify(TOKEN, GUILDS_INTENT | (1 << 15)))),
    );
    expect(await session.closed).toBe(4014);
    expect(session.received.map((payload) => payload.op)).toEqual([10]);
  });

  it("closes with 4004 for a wrong token, and answers heartbeats with ACKs before identifying", async () => {
    const gateway = await DiscordGatewayFake.start({ botToken: TOKEN });
    cleanups.push(() => gateway.close());
    const session = await rawSession(gateway, (socket) => {
      socket.send(JSON.stringify({ op: 1, d: null }));
      socket.send(JSON.stringify(identify("wrong-token", GUILDS_INTENT)));
    });
    expect(await session.closed).toBe(4004);
    expect(session.received.map((payload) => payload.op)).toEqual([10, 11]);
  });

  it("will not dispatch an interaction to nobody, nor one missing a field Discord always sends", async () => {
    const gateway = await DiscordGatewayFake.start({ botToken: TOKEN });
    cleanups.push(() => gateway.close());
    expect(() => gateway.dispatchInteraction(commandInteraction())).toThrow(/no client has identified/);
    const session = await rawSession(gateway, (socket) => socket.send(JSON.stringify(identify(TOKEN, GUILDS_INTENT))));
    await vi.waitFor(() => expect(gateway.ready).toBe(true));
    const { entitlements: _dropped, ...partial } = commandInteraction();
    expect(() => gateway.dispatchInteraction(partial)).toThrow(/interaction\.entitlements/);
    gateway.dispatchInteraction(commandInteraction());
    await vi.waitFor(() => expect(session.received.at(-1)).toMatchObject({ op: 0, t: "INTERACTION_CREATE", s: 2 }));
    expect(session.received[1]).toMatchObject({ op: 0, t: "READY", s: 1 });
  });
});

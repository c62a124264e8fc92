/**
 * Authentication on Herald's HTTP server, in the running service: HMAC ingest
 * signs `timestamp.body` and a signature is accepted once; old or future
 * timestamps are refused; which feeds exist is told only to an authenticated
 * caller; malformed paths are the caller's 400; unauthenticated reads are
 * capped (503) and failing addresses are turned away (429); a replayed
 * Discord interaction is acknowledged without running its command again.
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { connect, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../jobs/log.ts";
import { parseRoles } from "../jobs/roles.ts";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { discordCommandInteraction, ed25519Signer, publicKeyHex } from "./helpers/discord.ts";
import { lineSink } from "./helpers/log.ts";
import { REDIS_URL, silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { koreanPost } from "./helpers/posts.ts";

const TOKEN = "auth-ingest-token";
const SECRET = "auth-ingest-secret";
const DISCORD_TOKEN = "auth-discord-token";
const DISCORD_CHANNEL = "1230000000000000777";

/** X-Herald-Timestamp and X-Herald-Signature for `body`, as a sender computes them. */
function signed(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SECRET) {
  return {
    "x-herald-timestamp": String(timestamp),
    "x-herald-signature": `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`,
  };
}

/** A signed ingest request that sends its headers and a few body bytes, then holds the connection open. */
function holdSignedRead(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const headers = signed("never finished");
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `POST /ingest/wire HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: text/markdown\r\ncontent-length: 100000\r\nx-herald-timestamp: ${headers["x-herald-timestamp"]}\r\nx-herald-signature: ${headers["x-herald-signature"]}\r\n\r\n---\n`,
      );
      resolve(socket);
    });
    socket.on("error", () => {});
  });
}

describe("HMAC ingest, routing and the unauthenticated-read cap", () => {
  let service: Service;
  let discord: DiscordFake;
  let prefix = "";
  let cleanup: () => Promise<void>;
  const logLines: { level: number; msg: string }[] = [];
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const url = (path: string) => `http://127.0.0.1:${service.port}${path}`;
  const post = (path: string, headers: Record<string, string>, body: string) =>
    fetch(url(path), { method: "POST", headers: { "content-type": "text/markdown", ...headers }, body });

  beforeAll(async () => {
    discord = await DiscordFake.start({ botToken: DISCORD_TOKEN });
    const t = testConfig({
      cards: { enabled: false },
      http: { host: "127.0.0.1", port: 0, maxUnauthenticated: 2, authFailuresPerMinute: 1000 },
      ingest: { token: TOKEN, secret: SECRET },
      discord: { token: DISCORD_TOKEN, mode: "http", publicKey: publicKeyHex(publicKey), apiUrl: discord.api },
      feeds: [
        { id: "wire", type: "webhook" },
        { id: "desk", type: "webhook" },
      ],
    });
    prefix = t.config.redis.prefix;
    const sink = lineSink((line) => logLines.push(JSON.parse(line)));
    service = await startService(t.config, {
      log: createLogger("debug", sink),
      roles: parseRoles("http,sources,bots"),
    });
    cleanup = async () => {
      await service.stop(1000);
      await discord.close();
      await t.cleanup();
    };
  });
  afterAll(async () => cleanup?.());

  it("accepts a body signed over timestamp.body (202) and refuses the same request replayed (401), remembering the signature in Redis under the prefix", async () => {
    const body = koreanPost(11);
    const headers = signed(body);
    const first = await post("/ingest/wire", headers, body);
    expect(first.status).toBe(202);
    const replay = await post("/ingest/wire", headers, body);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toMatch(
      /^replayed request: this signature was already used/,
    );

    const redis = new Redis(REDIS_URL);
    try {
      const ttl = await redis.pttl(`${prefix}:seen:ingest-signature:${headers["x-herald-signature"].slice(7)}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5 * 60_000 + 1000);
    } finally {
      redis.disconnect();
    }
  });

  it("refuses a signature over the body alone, a stale timestamp and one from the future with 401 and the reason", async () => {
    const body = koreanPost(12);
    const now = Math.floor(Date.now() / 1000);
    const bodyOnly = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const cases: [Record<string, string>, RegExp][] = [
      [{ "x-herald-signature": bodyOnly }, /^missing X-Herald-Timestamp/],
      [
        { "x-herald-signature": bodyOnly, "x-herald-timestamp": String(now) },
        /^signature does not match the timestamp and body/,
      ],
      [signed(body, now - 6 * 60), /^X-Herald-Timestamp is more than 5 minutes old/],
      [signed(body, now + 6 * 60), /^X-Herald-Timestamp is more than 5 minutes in the future/],
      [{ ...signed(body), "x-herald-signature": "sha256=zz" }, /^X-Herald-Signature is not sha256=<64 hex digits>/],
    ];
    for (const [headers, reason] of cases) {
      const res = await post("/ingest/wire", headers, body);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(reason);
    }
  });

  it("answers a malformed %-escape in the path with 400 naming it, logged below error level", async () => {
    const res = await post("/ingest/%E0%A4%A", { authorization: `Bearer ${TOKEN}` }, koreanPost(13));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("malformed %-escape in path segment '%E0%A4%A'");
    const card = await fetch(url("/cards/%zz.png"));
    expect(card.status).toBe(400);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it("answers an unknown feed exactly like a known one without credentials (401), and 404 only to an authenticated caller", async () => {
    const body = koreanPost(14);
    const known = await post("/ingest/wire", {}, body);
    const unknown = await post("/ingest/nope", {}, body);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(await known.json());
    const wrong = await post("/ingest/nope", { authorization: "Bearer guess" }, body);
    expect(wrong.status).toBe(401);
    const authenticated = await post("/ingest/nope", { authorization: `Bearer ${TOKEN}` }, body);
    expect(authenticated.status).toBe(404);
    expect(((await authenticated.json()) as { error: string }).error).toBe("no webhook feed 'nope'");
    const several = await post("/ingest", {}, body);
    expect(several.status).toBe(401);
  });

  it("caps unauthenticated reads: past maxUnauthenticated a signed request gets 503 with Retry-After at once; aborts are logged at debug", async () => {
    const holders = [await holdSignedRead(service.port as number), await holdSignedRead(service.port as number)];
    const body = koreanPost(15);
    const busy = await waitFor(
      async () => {
        const res = await post("/ingest/wire", signed(body), body);
        return res.status === 503 ? res : null;
      },
      10_000,
      "a 503 while both slots are held",
    );
    expect(busy.headers.get("retry-after")).toBe("1");
    // A bearer request is authenticated before its body is read: the cap does not apply to it.
    expect((await post("/ingest/desk", { authorization: `Bearer ${TOKEN}` }, koreanPost(16))).status).toBe(202);

    for (const socket of holders) socket.destroy();
    await waitFor(
      async () => (await post("/ingest/wire", signed(body), body)).status === 202,
      10_000,
      "a slot freed by the hang-ups",
    );
    await waitFor(
      () => logLines.filter((l) => l.msg === "request aborted by the client" && l.level === 20).length >= 2,
      5000,
      "debug lines for the aborts",
    );
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it("acknowledges a replayed Discord interaction without running its command a second time", async () => {
    const endpoint = url("/discord/interactions");
    const interaction = discordCommandInteraction({
      command: "news",
      subcommand: "latest",
      channelId: DISCORD_CHANNEL,
      permissions: "2048",
    });
    const body = JSON.stringify(interaction);
    const headers = { "content-type": "application/json", ...ed25519Signer(privateKey)(body) };
    const first = await discord.sendInteraction(endpoint, interaction, () => headers);
    expect(first.status).toBe(200);
    await waitFor(
      () => discord.interactionResponses.find((r) => r.kind === "edit-original" && r.token === interaction.token),
      15_000,
      "the first answer",
    );

    const replay = await fetch(endpoint, { method: "POST", headers, body });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ type: 5, data: { flags: 64 } });

    // A fresh interaction answered after the replay: had the replay run, its answer would be in by then too.
    const fresh = discordCommandInteraction({
      command: "news",
      subcommand: "latest",
      channelId: DISCORD_CHANNEL,
      permissions: "2048",
    });
    expect((await discord.sendInteraction(endpoint, fresh, ed25519Signer(privateKey))).status).toBe(200);
    await waitFor(
      () => discord.interactionResponses.find((r) => r.kind === "edit-original" && r.token === fresh.token),
      15_000,
      "the fresh answer",
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(
      discord.interactionResponses.filter((r) => r.kind === "edit-original" && r.token === interaction.token),
    ).toHaveLength(1);
  });
});

describe("per-address budget of authentication failures", () => {
  let service: Service;
  let cleanup: () => Promise<void>;
  const url = (path: string) => `http://127.0.0.1:${service.port}${path}`;

  beforeAll(async () => {
    const t = testConfig({
      cards: { enabled: false },
      http: { host: "127.0.0.1", port: 0, authFailuresPerMinute: 5 },
      ingest: { token: TOKEN },
      feeds: [{ id: "wire", type: "webhook" }],
    });
    service = await startService(t.config, { log: silentLog, roles: parseRoles("http,sources,bots") });
    cleanup = async () => {
      await service.stop(1000);
      await t.cleanup();
    };
  });
  afterAll(async () => cleanup?.());

  it("turns an address away with 429 and Retry-After once it passed its failures, even with the right token, while /healthz answers", async () => {
    const attempt = (token: string) =>
      fetch(url("/ingest"), {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "text/markdown" },
        body: koreanPost(21),
      });
    for (let i = 0; i < 5; i++) expect((await attempt("wrong")).status).toBe(401);
    const limited = await attempt("wrong");
    expect(limited.status).toBe(429);
    const wait = Number(limited.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect((await attempt(TOKEN)).status).toBe(429);
    expect((await fetch(url("/healthz"))).status).toBe(200);
  });
});

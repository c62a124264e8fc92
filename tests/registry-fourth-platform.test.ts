/**
 * A platform is a folder plus one line: Echo Chat (tests/fixtures/echo-chat/)
 * is registered through the registry alone, configured like the built-in
 * ones (`echo:` section, `type: echo` destination), and a post reaches its
 * strict fake through the real pipeline (HTTP ingest → Redis → SQLite → deliver).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { platforms, registerPlatform, unregisterPlatform } from "../adapters/registry.ts";
import { ConfigError, parseConfig } from "../config/load.ts";
import { previewFiles } from "../jobs/cli/preview.ts";
import { type Service, startService } from "../jobs/service.ts";
import { parsePost } from "../src/article/index.ts";
import { buildMessage } from "../src/message/build.ts";
import { EchoChatFake } from "./fakes/echo-chat/server.ts";
import { echoPlatform } from "./fixtures/echo-chat/platform.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const INGEST_TOKEN = "test-ingest-token";
const ECHO_TOKEN = "echo-secret-token-1";

/** A test's own Redis prefix and SQLite file, plus the test's YAML, parsed the way `herald start` parses a config file. */
function echoConfig(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const t = testConfig({});
  const text = `redis: { url: "${t.config.redis.url}", prefix: "${t.config.redis.prefix}" }
database: { path: "${t.config.database.path}" }
http: { host: 127.0.0.1, port: 0 }
log: { level: silent }
${yaml}`;
  return { t, config: () => parseConfig(text, "echo.yaml", env) };
}

describe("a fourth platform from a fixture folder, registered through the registry only", () => {
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(() => registerPlatform(echoPlatform));
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    unregisterPlatform(echoPlatform.id);
  });

  /** Herald with Echo Chat configured against its fake, a webhook feed posting to an echo room. */
  async function startWithEcho(): Promise<{ echo: EchoChatFake; service: Service }> {
    const echo = await EchoChatFake.start({ token: ECHO_TOKEN, rooms: ["newsroom"] });
    cleanups.push(() => echo.close());
    const { t, config } = echoConfig(
      `echo:
  token: \${ECHO_TOKEN}
  apiUrl: http://unused.invalid
cards: { enabled: false }
ingest: { token: ${INGEST_TOKEN} }
destinations:
  - { id: echo-news, type: echo, room: newsroom }
feeds:
  - { id: inbox, type: webhook, destinations: [echo-news] }
`,
      // The descriptor's apiUrlEnv points the bot at the fake, as DISCORD_API_URL does for Discord.
      { ECHO_TOKEN, ECHO_API_URL: echo.apiUrl },
    );
    cleanups.push(t.cleanup);
    const service: Service = await startService(config(), { log: silentLog });
    cleanups.push(() => service.stop(5000));
    return { echo, service };
  }

  const ingestPost = (service: Service, n: number) =>
    fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "text/markdown" },
      body: plainPost(n),
    });

  it("delivers a post to an `echo` destination through ingest and deliver, exactly as the fake accepts it", async () => {
    const { echo, service } = await startWithEcho();
    const response = await ingestPost(service, 1);
    expect(response.status).toBe(202);

    const delivery = await waitFor(
      async () => (await service.runtime.store.listRecentDeliveries(10)).find((d) => d.state === "delivered"),
      30_000,
      "the echo delivery",
    );
    expect(delivery.destinationId).toBe("echo-news");
    expect(echo.messages).toEqual([{ id: "m1", room: "newsroom", text: "Plain post 1\n#News" }]);
    expect(echo.requests.every((r) => r.status === 200)).toBe(true);
    expect(delivery.platformMessageId).toBe("m1");
  });

  it("takes /news over its web-handler route on Herald's server: answered by the command core; a wrong bearer 401, a body over its cap 413, a malformed one 400", async () => {
    const { service } = await startWithEcho();
    expect((await ingestPost(service, 2)).status).toBe(202);
    await waitFor(
      async () => (await service.runtime.store.listRecentDeliveries(10)).some((d) => d.state === "delivered"),
      30_000,
      "the echo delivery",
    );
    const command = (authorization: string, body: string) =>
      fetch(`http://127.0.0.1:${service.port}/echo/commands`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body,
      });
    const latest = JSON.stringify({ room: "newsroom", user: "u1", command: "news", subcommand: "latest" });

    const reply = await command(`Bearer ${ECHO_TOKEN}`, latest);
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { text: string }).text).toContain("Plain post 2");
    expect((await command("Bearer not-the-token", latest)).status).toBe(401);
    expect((await command(`Bearer ${ECHO_TOKEN}`, "x".repeat(64 * 1024))).status).toBe(413);
    expect((await command(`Bearer ${ECHO_TOKEN}`, "{}")).status).toBe(400);
  });

  it("reads the `echo:` section and `type: echo` destinations only while the platform is registered", () => {
    const yaml =
      "echo: { token: x, apiUrl: http://127.0.0.1:1 }\ndestinations:\n  - { id: e, type: echo, room: newsroom }\n";
    const { t, config } = echoConfig(yaml);
    cleanups.push(t.cleanup);
    const parsed = config() as unknown as Record<string, unknown>;
    expect(parsed.echo).toEqual({ token: "x", apiUrl: "http://127.0.0.1:1" });
    expect(platforms().map((p) => p.id)).toContain("echo");

    unregisterPlatform(echoPlatform.id);
    expect(config).toThrow(ConfigError);
    expect(config).toThrow(/destinations\[0\]\.type/);
  });

  it("checks an echo destination with the platform's own schema, and asks for its section", () => {
    const { t, config } = echoConfig("destinations:\n  - { id: e, type: echo, room: 'news room!' }\n");
    cleanups.push(t.cleanup);
    expect(config).toThrow(/destinations\[0\]\.room: must be a room name/);
    const missing = echoConfig("destinations:\n  - { id: e, type: echo, room: newsroom }\n");
    cleanups.push(missing.t.cleanup);
    expect(missing.config).toThrow("a 'echo' destination needs the 'echo:' bot section");
  });

  it("shows the registered platform in herald preview: its payload file and its column on the page", () => {
    const article = parsePost(plainPost(3), "post.md", { baseUrl: "https://news.example.kr" });
    const files = new Map(previewFiles(buildMessage(article), article.title, null, ""));
    expect([...files.keys()]).toEqual(["discord.json", "slack.json", "telegram.json", "echo.json", "preview.html"]);
    expect(JSON.parse(files.get("echo.json") ?? "")).toEqual({ text: "Plain post 3\n#News" });
    expect(files.get("preview.html")).toContain(
      '<section class="platform echo"><h2>Echo Chat</h2><pre class="echo-text">Plain post 3\n#News',
    );
  });

  it("refuses to register a platform id twice", () => {
    expect(() => registerPlatform(echoPlatform)).toThrow("platform 'echo' is already registered");
  });
});

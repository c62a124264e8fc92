/**
 * `/news` over Socket Mode: the real Bolt App (SocketModeReceiver → @slack/socket-mode) calls
 * apps.connections.open on the SlackFake with the app-level token, opens the WebSocket it gets,
 * acks each slash_commands envelope and answers through the command's response_url.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from "../adapters/slack/index.ts";
import type { CommandHandler, CommandRequest } from "../src/chat/types.ts";
import { AuthenticationError } from "../src/errors.ts";
import { SlackFake } from "./fakes/slack/server.ts";
import { BOT_TOKEN } from "./fixtures/slack/adapter.ts";
import { paragraph } from "./helpers/blocks.ts";
import { recordingLog } from "./helpers/log.ts";

const APP_TOKEN = "xapp-1-A0HERALD-7411-5c1d0e9a3b7f";
const CHANNEL = "C0HERALDNEWS";
const READER = "U0READER01";

/** Answers with the request it got, as one ephemeral paragraph, and keeps the requests. */
function echoHandler(seen: CommandRequest[]): CommandHandler {
  return async (request) => {
    seen.push(request);
    const options = Object.entries(request.options)
      .map(([name, value]) => `${name}=${value}`)
      .join(" ");
    return {
      ephemeral: true,
      blocks: [paragraph(`${request.command} ${request.subcommand ?? "-"} ${options}`.trim())],
    };
  };
}

describe("Slack slash commands over Socket Mode", () => {
  let slack: SlackFake;
  let adapter: SlackAdapter | undefined;
  let logged: string[];

  function socketAdapter(overrides: Partial<SlackAdapterOptions> = {}): SlackAdapter {
    adapter = createSlackAdapter({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      mode: "socket",
      apiUrl: slack.apiUrl,
      retry: { retries: 1, minTimeoutMs: 10, maxTimeoutMs: 50 },
      log: recordingLog((level, data, message) => logged.push(`${level} ${message} ${JSON.stringify(data)}`)),
      ...overrides,
    });
    return adapter;
  }

  beforeEach(async () => {
    logged = [];
    slack = await SlackFake.start({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      perChannelPerSecond: 0,
      channels: { [CHANNEL]: "breaking-news" },
    });
    slack.addUser(READER, { locale: "ko-KR" });
  });
  afterEach(async () => {
    await adapter?.stop();
    adapter = undefined;
    await slack.close();
  });

  it("connects with the app-level token, acks /news search and answers the user privately at response_url", async () => {
    const seen: CommandRequest[] = [];
    await socketAdapter().start(echoHandler(seen));

    expect(slack.socketMode.openConnections).toBe(1);
    const opens = slack.calls.filter((call) => call.method === "apps.connections.open");
    expect(opens).toEqual([{ method: "apps.connections.open", status: 200, tokenType: "app" }]);

    const ack = await slack.socketMode.sendSlashCommand({
      command: "/news",
      text: "search 장애",
      channelId: CHANNEL,
      userId: READER,
      responseUrl: slack.responseUrl("socket-search"),
    });
    expect(ack.envelopeId).toBe(slack.socketMode.envelopes[0]?.envelopeId);
    const [answer] = await slack.waitForCommandResponses(1);
    expect(answer).toMatchObject({ responseUrlId: "socket-search", responseType: "ephemeral" });
    expect(answer?.blocks[0]).toMatchObject({
      type: "section",
      text: { type: "mrkdwn", text: "news search query=장애" },
    });
    expect(seen).toEqual([
      expect.objectContaining({
        platform: "slack",
        command: "news",
        subcommand: "search",
        options: { query: "장애" },
        channelId: CHANNEL,
        userId: READER,
        locale: "ko-KR",
      }),
    ]);
    expect(slack.socketMode.envelopes.map((envelope) => envelope.status)).toEqual(["acked"]);
    expect(slack.socketMode.problems).toEqual([]);
  });

  it("acks a command whose handler is still working, so Slack does not show a timeout", async () => {
    let finish: () => void = () => {};
    const handlerDone = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const seen: CommandRequest[] = [];
    await socketAdapter().start(async (request) => {
      seen.push(request);
      await handlerDone;
      return { ephemeral: true, blocks: [paragraph("도움말")] };
    });

    await slack.socketMode.sendSlashCommand({
      command: "/news",
      text: "help",
      userId: READER,
      responseUrl: slack.responseUrl("slow"),
    });
    expect(slack.commandResponses).toEqual([]);
    finish();
    const [answer] = await slack.waitForCommandResponses(1);
    expect(answer?.blocks[0]).toMatchObject({ text: { text: "도움말" } });
    expect(seen[0]).toMatchObject({ command: "news", subcommand: "help" });
  });

  it("refuses to start with a wrong app token, with an AuthenticationError that does not contain it", async () => {
    const wrongToken = "xapp-1-A0HERALD-9999-deadbeefdeadbeef";
    const failure = await socketAdapter({ appToken: wrongToken })
      .start(echoHandler([]))
      .then(
        () => null,
        (error: unknown) => error,
      );

    expect(failure).toBeInstanceOf(AuthenticationError);
    // The operator is sent to the app-level token, not to the bot token that auth.test already accepted.
    expect((failure as Error).message).toContain("apps.connections.open");
    expect((failure as Error).message).toContain("invalid_auth — check SLACK_APP_TOKEN");
    expect((failure as Error).message).not.toContain("SLACK_BOT_TOKEN");
    expect((failure as Error).message).not.toContain(wrongToken);
    expect(logged.join("\n")).not.toContain(wrongToken);
    expect(slack.calls.filter((call) => call.method === "apps.connections.open")).toEqual([
      { method: "apps.connections.open", status: 200, error: "invalid_auth", tokenType: "other" },
    ]);
    expect(slack.socketMode.connectionsAccepted).toBe(0);
  });

  it("checks the bot token with auth.test before connecting, and blames SLACK_BOT_TOKEN when it is wrong", async () => {
    const failure = await socketAdapter({ botToken: "xoxb-not-the-herald-bot" })
      .start(echoHandler([]))
      .then(
        () => null,
        (error: unknown) => error,
      );

    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as Error).message).toContain("auth.test failed: invalid_auth — check SLACK_BOT_TOKEN");
    expect((failure as Error).message).not.toContain("xoxb-not-the-herald-bot");
    expect(slack.calls.some((call) => call.method === "apps.connections.open")).toBe(false);
    expect(slack.socketMode.connectionsAccepted).toBe(0);
  });

  it("closes the WebSocket on stop(), after which commands no longer reach Herald", async () => {
    const seen: CommandRequest[] = [];
    const started = socketAdapter();
    await started.start(echoHandler(seen));
    expect(slack.socketMode.openConnections).toBe(1);

    await started.stop();
    await slack.socketMode.waitForAllClosed();
    expect(slack.socketMode.closeCodes).toEqual([1000]);
    await expect(
      slack.socketMode.sendSlashCommand({ command: "/news", text: "latest", responseUrl: slack.responseUrl() }),
    ).rejects.toThrow("no client is connected");
    expect(seen).toEqual([]);
  });
});

describe("SlackFake Socket Mode", () => {
  let slack: SlackFake;

  beforeEach(async () => {
    slack = await SlackFake.start({ botToken: BOT_TOKEN, appToken: APP_TOKEN, socketMode: { ackTimeoutMs: 200 } });
  });
  afterEach(async () => {
    await slack.close();
  });

  it("refuses apps.connections.open with the bot token, and chat.postMessage with the app token", async () => {
    const call = async (method: string, token: string) => {
      const response = await fetch(`${slack.apiUrl}${method}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ channel: CHANNEL, text: "hi" }),
      });
      return (await response.json()) as { ok: boolean; error?: string; url?: string };
    };
    expect(await call("apps.connections.open", BOT_TOKEN)).toEqual({ ok: false, error: "not_allowed_token_type" });
    expect(await call("chat.postMessage", APP_TOKEN)).toEqual({ ok: false, error: "not_allowed_token_type" });
    const opened = await call("apps.connections.open", APP_TOKEN);
    expect(opened.ok).toBe(true);
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\?ticket=/);
  });

  it("greets with hello, rejects a reused ticket, and records an envelope nobody acked", async () => {
    const { WebSocket } = await import("ws");
    const opened = (await (
      await fetch(`${slack.apiUrl}apps.connections.open`, {
        method: "POST",
        headers: { authorization: `Bearer ${APP_TOKEN}` },
      })
    ).json()) as { url: string };
    const client = new WebSocket(opened.url);
    const frames: unknown[] = [];
    client.on("message", (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => {
      client.once("open", resolve);
      client.once("error", reject);
    });
    await slack.socketMode.waitForConnections(1);

    const reused = new WebSocket(opened.url);
    const refusal = await new Promise<string>((resolve) => reused.once("error", (error) => resolve(error.message)));
    expect(refusal).toContain("401");

    await expect(
      slack.socketMode.sendSlashCommand({ command: "/news", text: "latest", responseUrl: slack.responseUrl() }),
    ).rejects.toThrow(/no ack for slash_commands envelope .* within 200 ms/);
    expect(frames[0]).toMatchObject({ type: "hello", num_connections: 1, connection_info: { app_id: "A0HERALD" } });
    expect(frames[1]).toMatchObject({
      type: "slash_commands",
      accepts_response_payload: true,
      payload: { command: "/news", text: "latest" },
    });
    expect(slack.socketMode.envelopes[0]?.status).toBe("unacked");
    expect(slack.socketMode.problems).toContainEqual(expect.stringContaining("no ack for slash_commands envelope"));
    client.close();
    await slack.socketMode.waitForAllClosed();
  });
});

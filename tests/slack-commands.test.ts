/**
 * `/news` and `/feeds` through Bolt's HTTPReceiver mounted on a node:http server, signed the
 * way Slack signs them; answers go to a response_url served by the SlackFake.
 */
import { readFileSync } from "node:fs";
import { load } from "js-yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCommandText } from "../adapters/slack/command-text.ts";
import { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from "../adapters/slack/index.ts";
import type { CommandHandler, CommandReply, CommandRequest } from "../src/chat/types.ts";
import { AuthenticationError } from "../src/errors.ts";
import { SlackFake } from "./fakes/slack/server.ts";
import { signSlackRequest } from "./fakes/slack/sign.ts";
import {
  adapterFor,
  BOT_TOKEN,
  cardFile,
  outageMessage,
  SIGNING_SECRET,
  slackCardPng,
} from "./fixtures/slack/adapter.ts";
import { type MountedRoutes, serveAdapterRoutes } from "./helpers/adapter-routes.ts";
import { paragraph } from "./helpers/blocks.ts";
import { projectRoot } from "./helpers/paths.ts";

const CHANNEL = "C0HERALDNEWS";
const READER = "U0READER01";

/** Answers with the request it got, as one paragraph, and keeps the requests. */
function echoHandler(seen: CommandRequest[], ephemeral = true): CommandHandler {
  return async (request) => {
    seen.push(request);
    const options = Object.entries(request.options)
      .map(([name, value]) => `${name}=${value}`)
      .join(" ");
    return { ephemeral, blocks: [paragraph(`${request.command} ${request.subcommand ?? "-"} ${options}`.trim())] };
  };
}

interface Mounted {
  adapter: SlackAdapter;
  server: MountedRoutes;
}

/** Starts the adapter in HTTP mode and serves its routes the way Herald's server does. */
async function mount(
  slack: SlackFake,
  handler: CommandHandler,
  overrides: Partial<SlackAdapterOptions> = {},
): Promise<Mounted> {
  const adapter = adapterFor(slack, overrides);
  await adapter.start(handler);
  return { adapter, server: await serveAdapterRoutes(adapter.httpRoutes()) };
}

interface CommandCall {
  command?: "/news" | "/feeds" | undefined;
  text: string;
  user?: string | undefined;
  /** Seconds since the epoch the request claims; default now. */
  timestamp?: number | undefined;
  secret?: string | undefined;
  responseUrl: string;
}

/** POSTs a slash command payload like Slack: form-encoded, signed with the signing secret. */
function sendCommand(server: MountedRoutes, call: CommandCall): Promise<Response> {
  const body = new URLSearchParams({
    token: "legacy-verification-token",
    team_id: "T000",
    team_domain: "herald-test",
    channel_id: CHANNEL,
    channel_name: "breaking-news",
    user_id: call.user ?? READER,
    user_name: "reader",
    command: call.command ?? "/news",
    text: call.text,
    api_app_id: "A0HERALD",
    is_enterprise_install: "false",
    response_url: call.responseUrl,
    trigger_id: "1234.5678.abcdef",
  }).toString();
  const headers = signSlackRequest(call.secret ?? SIGNING_SECRET, body, call.timestamp);
  return fetch(`${server.baseUrl}/slack/events`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

describe("Slack slash commands over HTTP", () => {
  let slack: SlackFake;
  let mounted: Mounted | undefined;

  beforeEach(async () => {
    slack = await SlackFake.start({
      botToken: BOT_TOKEN,
      perChannelPerSecond: 0,
      channels: { [CHANNEL]: "breaking-news" },
    });
    slack.addUser(READER);
  });
  afterEach(async () => {
    await mounted?.server.close();
    await mounted?.adapter.stop();
    mounted = undefined;
    await slack.close();
  });

  it("acks /news search at once, then sends the handler's answer to response_url, visible only to the user", async () => {
    const seen: CommandRequest[] = [];
    mounted = await mount(slack, echoHandler(seen));
    const response = await sendCommand(mounted.server, {
      text: "search 장애 서버",
      responseUrl: slack.responseUrl("search"),
    });

    expect(response.status).toBe(200);
    const [answer] = await slack.waitForCommandResponses(1);
    expect(answer).toMatchObject({ responseUrlId: "search", responseType: "ephemeral" });
    expect(answer?.blocks[0]).toMatchObject({
      type: "section",
      text: { type: "mrkdwn", text: "news search query=장애 서버" },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      platform: "slack",
      command: "news",
      subcommand: "search",
      channelId: CHANNEL,
      userId: READER,
    });
  });

  it("acks before the handler has finished, so a slow command does not time out in Slack", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: CommandRequest[] = [];
    const echo = echoHandler(seen);
    mounted = await mount(slack, async (request) => {
      await gate;
      return echo(request);
    });
    const response = await sendCommand(mounted.server, { text: "latest", responseUrl: slack.responseUrl() });

    expect(response.status).toBe(200);
    expect(seen).toHaveLength(0);
    expect(slack.commandResponses).toHaveLength(0);
    release();
    await slack.waitForCommandResponses(1);
    expect(seen).toHaveLength(1);
  });

  it("turns free text and named options into the same CommandRequest options", async () => {
    const seen: CommandRequest[] = [];
    mounted = await mount(slack, echoHandler(seen));
    const calls: Array<[CommandCall["command"], string]> = [
      ["/news", "latest 5"],
      ["/news", "latest count:7"],
      ["/news", "show <https://news.example.com/2026/outage|news.example.com/2026/outage>"],
      ["/feeds", "add https://status.example.com/feed.xml?a=1&amp;b=2"],
      ["/feeds", "remove 12"],
    ];
    for (const [command, text] of calls)
      await sendCommand(mounted.server, { command, text, responseUrl: slack.responseUrl() });
    await slack.waitForCommandResponses(calls.length);

    expect(seen.map((r) => [r.command, r.subcommand, r.options])).toEqual([
      ["news", "latest", { count: "5" }],
      ["news", "latest", { count: "7" }],
      ["news", "show", { article: "https://news.example.com/2026/outage" }],
      ["feeds", "add", { url: "https://status.example.com/feed.xml?a=1&b=2" }],
      ["feeds", "remove", { id: "12" }],
    ]);
  });

  it("answers 401 to a bad signature and never runs the handler", async () => {
    const seen: CommandRequest[] = [];
    mounted = await mount(slack, echoHandler(seen));
    const response = await sendCommand(mounted.server, {
      text: "latest",
      secret: "not-the-signing-secret",
      responseUrl: slack.responseUrl(),
    });

    expect(response.status).toBe(401);
    expect(seen).toHaveLength(0);
    expect(slack.commandResponses).toHaveLength(0);
  });

  it("refuses a correctly signed request whose timestamp is 6 minutes old", async () => {
    const seen: CommandRequest[] = [];
    mounted = await mount(slack, echoHandler(seen));
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await sendCommand(mounted.server, {
      text: "latest",
      timestamp: stale,
      responseUrl: slack.responseUrl(),
    });

    expect(response.status).toBe(401);
    expect(seen).toHaveLength(0);
  });

  it("says a plain member is not an admin, a config-listed user is, and so are workspace admins and owners", async () => {
    slack.addUser("U0WSADMIN", { isAdmin: true });
    slack.addUser("U0WSOWNER", { isOwner: true });
    const seen: CommandRequest[] = [];
    // U0LISTED is not even a workspace member the fake knows: the config list alone decides.
    mounted = await mount(slack, echoHandler(seen), { admins: ["U0LISTED"] });
    for (const user of [READER, "U0LISTED", "U0WSADMIN", "U0WSOWNER"]) {
      await sendCommand(mounted.server, { command: "/feeds", text: "list", user, responseUrl: slack.responseUrl() });
    }
    await slack.waitForCommandResponses(4);

    const verdicts = await Promise.all(seen.map(async (request) => [request.userId, await request.isAdmin()]));
    expect(verdicts).toEqual([
      [READER, false],
      ["U0LISTED", true],
      ["U0WSADMIN", true],
      ["U0WSOWNER", true],
    ]);
  });

  it("passes the user's Slack locale, so replies can be in Korean", async () => {
    slack.addUser("U0KOREAN", { locale: "ko-KR" });
    const seen: CommandRequest[] = [];
    mounted = await mount(slack, echoHandler(seen));
    await sendCommand(mounted.server, { text: "latest", user: "U0KOREAN", responseUrl: slack.responseUrl() });
    await sendCommand(mounted.server, { text: "latest", user: "U0UNKNOWN", responseUrl: slack.responseUrl() });
    await slack.waitForCommandResponses(2);

    expect(seen.map((request) => request.locale)).toEqual(["ko-KR", null]);
  });

  it("answers /news show with the article laid out like a delivery, its card uploaded and shown, in the channel", async () => {
    const png = slackCardPng();
    const message = outageMessage(true);
    const handler: CommandHandler = async (): Promise<CommandReply> => ({
      ephemeral: false,
      blocks: [],
      article: { message, card: cardFile(png) },
    });
    mounted = await mount(slack, handler);
    await sendCommand(mounted.server, { text: "show outage", responseUrl: slack.responseUrl() });
    const [answer] = await slack.waitForCommandResponses(1);

    expect(answer?.responseType).toBe("in_channel");
    expect(answer?.blocks[0]).toMatchObject({ type: "header", text: { text: message.title } });
    expect(slack.uploads).toHaveLength(1);
    expect(slack.uploads[0]?.bytes.equals(png)).toBe(true);
    expect(answer?.blocks.filter((block) => block.type === "image")).toEqual([
      expect.objectContaining({ slack_file: { id: slack.uploads[0]?.fileId } }),
    ]);
  });

  it("retries a /news show reply while Slack is still processing its card, and falls back to text when it never does", async () => {
    const handler: CommandHandler = async () => ({
      ephemeral: true,
      blocks: [],
      article: { message: outageMessage(true), card: cardFile() },
    });
    mounted = await mount(slack, handler, { cardWaitsMs: [5, 5] });
    slack.delayFileProcessing(1);
    await sendCommand(mounted.server, { text: "show a", responseUrl: slack.responseUrl("ready-later") });
    const [shown] = await slack.waitForCommandResponses(1);
    expect(shown?.blocks.filter((block) => block.type === "image")).toEqual([
      expect.objectContaining({ slack_file: { id: slack.uploads[0]?.fileId } }),
    ]);

    slack.delayFileProcessing(100);
    await sendCommand(mounted.server, { text: "show b", responseUrl: slack.responseUrl("never-ready") });
    const [, textOnly] = await slack.waitForCommandResponses(2);
    expect(textOnly?.responseUrlId).toBe("never-ready");
    expect(textOnly?.blocks.filter((block) => block.type === "image")).toEqual([]);
    expect(textOnly?.blocks[0]).toMatchObject({ type: "header" });
    expect(slack.uploads[1]?.deleted).toBe(true);
  });

  it("answers with a short apology in the user's language when the handler throws", async () => {
    slack.addUser("U0KOREAN", { locale: "ko-KR" });
    mounted = await mount(slack, async () => {
      throw new Error("store is down");
    });
    await sendCommand(mounted.server, { text: "latest", user: "U0KOREAN", responseUrl: slack.responseUrl() });
    const [answer] = await slack.waitForCommandResponses(1);

    expect(answer?.responseType).toBe("ephemeral");
    expect(answer?.text).toMatch(/[가-힣]/);
    expect(answer?.text).not.toContain("store is down");
  });

  it("acknowledges clicks on the Read more link button", async () => {
    mounted = await mount(slack, echoHandler([]));
    const payload = {
      type: "block_actions",
      team: { id: "T000", domain: "herald-test" },
      user: { id: READER, team_id: "T000" },
      api_app_id: "A0HERALD",
      token: "legacy-verification-token",
      trigger_id: "1234.5678.abcdef",
      channel: { id: CHANNEL, name: "breaking-news" },
      actions: [{ type: "button", action_id: "herald_read_more", block_id: "b1", action_ts: "1700000000.1" }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const response = await fetch(`${mounted.server.baseUrl}/slack/events`, {
      method: "POST",
      headers: { ...signSlackRequest(SIGNING_SECRET, body), "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(response.status).toBe(200);
  });

  it("answers the SSL check unsigned without running anything, URL verification only when signed, and a signed non-JSON event with 400", async () => {
    const seen: CommandRequest[] = [];
    mounted = await mount(slack, echoHandler(seen));
    const post = (body: string, contentType: string, signed: boolean) =>
      fetch(`${mounted?.server.baseUrl}/slack/events`, {
        method: "POST",
        headers: { ...(signed ? signSlackRequest(SIGNING_SECRET, body) : {}), "content-type": contentType },
        body,
      });
    const form = "application/x-www-form-urlencoded";
    // An unsigned SSL check that smuggles a command along gets its 200, and the command is not run.
    const sslCheck = await post(`ssl_check=1&command=%2Fnews&text=latest&user_id=${READER}`, form, false);
    expect(sslCheck.status).toBe(200);

    const challenge = JSON.stringify({ type: "url_verification", token: "t", challenge: "3eZbrw1aBm2rZgRNFdxV" });
    expect((await post(challenge, "application/json", false)).status).toBe(401);
    const verified = await post(challenge, "application/json", true);
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV" });

    expect((await post("{not json", "application/json", true)).status).toBe(400);
    expect((await post(`payload=${encodeURIComponent("[1]")}`, form, true)).status).toBe(400);

    const command = await sendCommand(mounted.server, { text: "latest", responseUrl: slack.responseUrl("after") });
    expect(command.status).toBe(200);
    await slack.waitForCommandResponses(1);
    expect(seen.map((request) => request.subcommand)).toEqual(["latest"]);
  });

  it("stops serving commands after stop()", async () => {
    mounted = await mount(slack, echoHandler([]));
    await mounted.adapter.stop();
    const response = await sendCommand(mounted.server, { text: "latest", responseUrl: slack.responseUrl() });
    expect(response.status).toBe(503);
  });
});

describe("Slack adapter start and configuration", () => {
  let slack: SlackFake;

  beforeEach(async () => {
    slack = await SlackFake.start({ botToken: BOT_TOKEN, perChannelPerSecond: 0 });
  });
  afterEach(async () => {
    await slack.close();
  });

  it("mounts POST /slack/events only once started in HTTP mode", async () => {
    const adapter = adapterFor(slack);
    expect(adapter.httpRoutes()).toEqual({});
    await adapter.start(echoHandler([]));
    expect(Object.keys(adapter.httpRoutes())).toEqual(["POST /slack/events"]);
  });

  it("fails start() with an AuthenticationError when Slack refuses the bot token", async () => {
    const adapter = adapterFor(slack, { botToken: "xoxb-revoked-token-999" });
    const error = await adapter.start(echoHandler([])).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error?.message).not.toContain("xoxb-revoked-token-999");
  });

  it("refuses to be created without the token or secret its mode needs, naming the environment variable", () => {
    const cases: Array<[SlackAdapterOptions, string]> = [
      [{ signingSecret: SIGNING_SECRET }, "SLACK_BOT_TOKEN"],
      [{ botToken: BOT_TOKEN, mode: "http" }, "SLACK_SIGNING_SECRET"],
      [{ botToken: BOT_TOKEN, mode: "socket" }, "SLACK_APP_TOKEN"],
      [{ botToken: BOT_TOKEN, mode: "socket", appToken: "xoxb-not-an-app-token" }, "SLACK_APP_TOKEN"],
    ];
    for (const [options, variable] of cases) {
      expect(() => createSlackAdapter(options)).toThrow(variable);
    }
    expect(() =>
      createSlackAdapter({ botToken: BOT_TOKEN, mode: "socket", appToken: "xoxb-not-an-app-token" }),
    ).not.toThrow(/xoxb-not-an-app-token/);
  });

  it("refuses an admin list entry that is not a Slack user id", () => {
    expect(() =>
      createSlackAdapter({ botToken: BOT_TOKEN, mode: "http", signingSecret: SIGNING_SECRET, admins: ["@alice"] }),
    ).toThrow(/slack\.admins.*@alice/);
  });

  it("builds a Socket Mode adapter from an app-level token, with no HTTP routes to mount", () => {
    const adapter = createSlackAdapter({
      botToken: BOT_TOKEN,
      mode: "socket",
      appToken: "xapp-1-A0HERALD-123-abc",
      apiUrl: slack.apiUrl,
    });
    expect(adapter.platform).toBe("slack");
    expect(adapter.httpRoutes()).toEqual({});
  });
});

describe("parseCommandText", () => {
  it("gives the first word as subcommand and the rest to its main option", () => {
    expect(parseCommandText("news", "  LATEST   3 ")).toEqual({ subcommand: "latest", options: { count: "3" } });
    expect(parseCommandText("news", "search query:장애 서버 복구")).toEqual({
      subcommand: "search",
      options: { query: "장애 서버 복구" },
    });
    expect(parseCommandText("feeds", "pause id:4")).toEqual({ subcommand: "pause", options: { id: "4" } });
    expect(parseCommandText("feeds", "list")).toEqual({ subcommand: "list", options: {} });
    expect(parseCommandText("news", "")).toEqual({ subcommand: null, options: {} });
  });

  it("keeps URLs whole instead of reading 'https:' as an option name", () => {
    expect(parseCommandText("feeds", "add url:https://a.example/rss")).toEqual({
      subcommand: "add",
      options: { url: "https://a.example/rss" },
    });
    expect(parseCommandText("news", "show https://a.example/x")).toEqual({
      subcommand: "show",
      options: { article: "https://a.example/x" },
    });
  });

  it("shows Slack's escaped mentions and entities as the text the user typed", () => {
    expect(parseCommandText("news", "search &lt;b&gt; <@U0123|alice>")).toEqual({
      subcommand: "search",
      options: { query: "<b> alice" },
    });
  });
});

describe("config/slack-manifest.yaml", () => {
  it("registers /news and /feeds at the path the adapter serves, with the scopes the adapter calls need", () => {
    const manifest = load(readFileSync(`${projectRoot}/config/slack-manifest.yaml`, "utf8")) as {
      features: { slash_commands: { command: string; url: string }[] };
      oauth_config: { scopes: { bot: string[] } };
    };
    const commands = manifest.features.slash_commands;
    expect(commands.map((c) => c.command)).toEqual(["/news", "/feeds"]);
    for (const command of commands) expect(new URL(command.url).pathname).toBe("/slack/events");
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(["chat:write", "commands", "files:write", "users:read"]);
  });
});

/**
 * The Slack fake, driven by the real @slack/web-api WebClient and plain fetch: it must accept
 * what Slack accepts, refuse what Slack refuses, and make the client's own retry logic run.
 */
import { verifySlackRequest } from "@slack/bolt";
import { type Logger, LogLevel, type WebAPIPlatformError, WebClient } from "@slack/web-api";
import { PNG } from "pngjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackFake } from "./fakes/slack/server.ts";
import { signSlackRequest } from "./fakes/slack/sign.ts";

const TOKEN = "xoxb-fake-slack-test";
const CHANNEL = "C0HERALD01";

/** A small real PNG (a 24×12 two-colour bar), like the timeline card Herald uploads. */
function timelinePng(): Buffer {
  const png = new PNG({ width: 24, height: 12 });
  for (let i = 0; i < png.data.length; i += 4) {
    const x = (i / 4) % 24;
    png.data[i] = x < 12 ? 0xd0 : 0x20;
    png.data[i + 1] = 0x30;
    png.data[i + 2] = x < 12 ? 0x30 : 0xc0;
    png.data[i + 3] = 0xff;
  }
  return PNG.sync.write(png);
}

/** WebClient logs refusals at error level; the tests assert on them instead. */
const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

function client(fake: SlackFake, token = TOKEN, retries = 0): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    logger: silentLogger,
    retryConfig: { retries, minTimeout: 10, maxTimeout: 50 },
  });
}

/** The Slack error code of a WebClient platform error. */
async function slackError(call: Promise<unknown>): Promise<WebAPIPlatformError["data"]> {
  const error = (await call.then(
    () => {
      throw new Error("expected the call to be refused");
    },
    (e: unknown) => e,
  )) as WebAPIPlatformError;
  expect(error.code).toBe("slack_webapi_platform_error");
  return error.data;
}

describe("SlackFake Web API through WebClient", () => {
  let slack: SlackFake;

  beforeEach(async () => {
    slack = await SlackFake.start({ botToken: TOKEN, channels: { [CHANNEL]: "breaking-news" } });
  });
  afterEach(async () => {
    await slack.close();
  });

  it("records a chat.postMessage with header and section blocks and returns its ts", async () => {
    const blocks = [
      { type: "header", text: { type: "plain_text", text: "Outlook·Azure 장애" } },
      { type: "section", text: { type: "mrkdwn", text: "*14:05* 로그인 실패 보고" }, block_id: "summary" },
    ];
    const result = await client(slack).chat.postMessage({ channel: CHANNEL, text: "Outlook·Azure 장애", blocks });

    expect(result.ok).toBe(true);
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message).toMatchObject({ channel: CHANNEL, text: "Outlook·Azure 장애", via: "api", ts: result.ts });
    expect(message?.blocks).toEqual(blocks);
  });

  it("resolves a #channel-name to its id like Slack", async () => {
    const result = await client(slack).chat.postMessage({ channel: "#breaking-news", text: "by name" });
    expect(result.channel).toBe(CHANNEL);
    expect(slack.messages[0]?.channel).toBe(CHANNEL);
  });

  it("refuses a 151-character header with invalid_blocks and Slack's explanation, posting nothing", async () => {
    const data = await slackError(
      client(slack).chat.postMessage({
        channel: CHANNEL,
        text: "too long",
        blocks: [{ type: "header", text: { type: "plain_text", text: "가".repeat(151) } }],
      }),
    );
    expect(data.error).toBe("invalid_blocks");
    expect(data.response_metadata?.messages).toContain(
      "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]",
    );
    expect(slack.messages).toHaveLength(0);
  });

  it("accepts a 150-character header", async () => {
    await client(slack).chat.postMessage({
      channel: CHANNEL,
      text: "fits",
      blocks: [{ type: "header", text: { type: "plain_text", text: "가".repeat(150) } }],
    });
    expect(slack.messages).toHaveLength(1);
  });

  it("refuses Block Kit that breaks other limits: mrkdwn header, 11 fields, unknown block type, 51 blocks", async () => {
    const web = client(slack);
    const field = { type: "mrkdwn", text: "x" };
    const cases: Array<[unknown[], string]> = [
      [[{ type: "header", text: { type: "mrkdwn", text: "x" } }], "/blocks/0/text/type"],
      [[{ type: "section", fields: Array.from({ length: 11 }, () => field) }], "/blocks/0/fields"],
      [[{ type: "table_of_contents" }], "/blocks/0"],
      [Array.from({ length: 51 }, () => ({ type: "divider" })), "/blocks"],
      [[{ type: "image", image_url: "ftp://example.com/a.png", alt_text: "a" }], "/blocks/0/image_url"],
      [
        [{ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "b".repeat(76) } }] }],
        "/blocks/0/elements/0/text/text",
      ],
    ];
    for (const [blocks, pointer] of cases) {
      // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed Block Kit
      const data = await slackError(web.chat.postMessage({ channel: CHANNEL, text: "x", blocks: blocks as any }));
      expect(data.error).toBe("invalid_blocks");
      expect(data.response_metadata?.messages?.join("\n")).toContain(`[json-pointer:${pointer}]`);
    }
    expect(slack.messages).toHaveLength(0);
  });

  it("refuses a message with neither text nor blocks (no_text) and text over 40,000 characters (msg_too_long)", async () => {
    const web = client(slack);
    expect((await slackError(web.chat.postMessage({ channel: CHANNEL, text: "" }))).error).toBe("no_text");
    expect((await slackError(web.chat.postMessage({ channel: CHANNEL, text: "a".repeat(40_001) }))).error).toBe(
      "msg_too_long",
    );
    expect(slack.messages).toHaveLength(0);
  });

  it("answers channel_not_found for an unknown channel and the configured error for a broken one", async () => {
    const web = client(slack);
    expect((await slackError(web.chat.postMessage({ channel: "C0NOWHERE", text: "x" }))).error).toBe(
      "channel_not_found",
    );
    slack.setChannelError(CHANNEL, "is_archived");
    expect((await slackError(web.chat.postMessage({ channel: CHANNEL, text: "x" }))).error).toBe("is_archived");
    slack.setChannelError("C0NOTJOINED", "not_in_channel");
    expect((await slackError(web.chat.postMessage({ channel: "C0NOTJOINED", text: "x" }))).error).toBe(
      "not_in_channel",
    );
  });

  it("answers invalid_auth for a wrong token and not_authed for none", async () => {
    expect(
      (await slackError(client(slack, "xoxb-wrong").chat.postMessage({ channel: CHANNEL, text: "x" }))).error,
    ).toBe("invalid_auth");
    const response = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ channel: CHANNEL, text: "x" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: false, error: "not_authed" });
    expect(slack.messages).toHaveLength(0);
  });

  it("takes JSON bodies with the token in the header, but not a token inside the JSON", async () => {
    const post = (headers: Record<string, string>, body: object) =>
      fetch(`${slack.apiUrl}chat.postMessage`, { method: "POST", headers, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ ok: boolean; error?: string }>,
      );
    const json = { "content-type": "application/json; charset=utf-8" };
    expect(await post({ ...json, authorization: `Bearer ${TOKEN}` }, { channel: CHANNEL, text: "json" })).toMatchObject(
      {
        ok: true,
      },
    );
    expect(await post(json, { channel: CHANNEL, text: "json", token: TOKEN })).toEqual({
      ok: false,
      error: "not_authed",
    });
    expect(slack.messages.map((m) => m.text)).toEqual(["json"]);
  });

  it("threads replies under an existing message and refuses an unknown thread_ts", async () => {
    const web = client(slack);
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: "parent" });
    await web.chat.postMessage({ channel: CHANNEL, text: "reply", thread_ts: parent.ts! });
    expect(slack.messages[1]).toMatchObject({ text: "reply", threadTs: parent.ts });
    expect((await slackError(web.chat.postMessage({ channel: CHANNEL, text: "x", thread_ts: "1.000001" }))).error).toBe(
      "thread_not_found",
    );
  });

  it("edits and deletes the bot's own messages and refuses unknown ones", async () => {
    const web = client(slack);
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: "draft" });
    await web.chat.update({ channel: CHANNEL, ts: posted.ts!, text: "final" });
    expect(slack.messages[0]).toMatchObject({ text: "final", edited: true });
    await web.chat.delete({ channel: CHANNEL, ts: posted.ts! });
    expect(slack.messages[0]?.deleted).toBe(true);
    expect((await slackError(web.chat.delete({ channel: CHANNEL, ts: posted.ts! }))).error).toBe("message_not_found");
  });

  it("refuses to update or delete a member's message, and records a broadcast thread reply", async () => {
    const web = client(slack);
    const theirs = slack.postAsUser(CHANNEL, "hello");
    expect((await slackError(web.chat.update({ channel: CHANNEL, ts: theirs, text: "x" }))).error).toBe(
      "cant_update_message",
    );
    expect((await slackError(web.chat.delete({ channel: CHANNEL, ts: theirs }))).error).toBe("cant_delete_message");
    await web.chat.postMessage({ channel: CHANNEL, text: "update", thread_ts: theirs, reply_broadcast: true });
    expect(slack.messages.at(-1)).toMatchObject({ threadTs: theirs, replyBroadcast: true });
  });

  it("runs filesUploadV2's three steps and shares the exact PNG bytes into the channel", async () => {
    const png = timelinePng();
    await client(slack).filesUploadV2({
      channel_id: CHANNEL,
      file: png,
      filename: "timeline.png",
      title: "Timeline",
      initial_comment: "타임라인",
    });

    expect(slack.calls.map((c) => c.method)).toEqual(["files.getUploadURLExternal", "files.completeUploadExternal"]);
    expect(slack.uploads).toHaveLength(1);
    const [upload] = slack.uploads;
    expect(upload).toMatchObject({
      filename: "timeline.png",
      channel: CHANNEL,
      title: "Timeline",
      initialComment: "타임라인",
    });
    expect(upload?.bytes.equals(png)).toBe(true);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({ channel: CHANNEL, text: "타임라인", files: [upload?.fileId] });
  });

  it("refuses to complete a file whose bytes never reached the upload URL", async () => {
    const web = client(slack);
    const ticket = await web.files.getUploadURLExternal({ filename: "timeline.png", length: 10 });
    const data = await slackError(
      web.files.completeUploadExternal({ files: [{ id: ticket.file_id! }], channel_id: CHANNEL }),
    );
    expect(data.error).toBe("file_not_found");
    expect(slack.uploads).toHaveLength(0);
  });

  it("refuses to complete a file whose uploaded size differs from the declared length", async () => {
    const web = client(slack);
    const ticket = await web.files.getUploadURLExternal({ filename: "timeline.png", length: 10 });
    const upload = await fetch(ticket.upload_url!, { method: "POST", body: new Uint8Array([1, 2, 3]) });
    expect(upload.status).toBe(200);
    const data = await slackError(web.files.completeUploadExternal({ files: [{ id: ticket.file_id! }] }));
    expect(data.error).toBe("file_not_found");
    expect(data.response_metadata?.messages?.[0]).toContain("received 3 bytes");
  });

  it("lets WebClient wait out a 429 with Retry-After 1 and retry, so the message arrives once", async () => {
    slack.failNext(1, 429, { retryAfter: 1 });
    const result = await client(slack, TOKEN, 2).chat.postMessage({ channel: CHANNEL, text: "after the limit" });

    expect(result.ok).toBe(true);
    expect(slack.messages.map((m) => m.text)).toEqual(["after the limit"]);
    expect(slack.calls.map((c) => c.status)).toEqual([429, 200]);
    expect(slack.rateLimitedCount).toBe(1);
  });

  it("limits chat.postMessage per channel after a burst, with an integer Retry-After", async () => {
    const limited = await SlackFake.start({
      botToken: TOKEN,
      perChannelPerSecond: 0.01,
      burst: 2,
      channels: { C0A: "a", C0B: "b" },
    });
    try {
      const post = (channel: string) =>
        fetch(`${limited.apiUrl}chat.postMessage`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ channel, text: "burst" }),
        });
      expect((await post("C0A")).status).toBe(200);
      expect((await post("C0A")).status).toBe(200);
      const third = await post("C0A");
      expect(third.status).toBe(429);
      expect(third.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
      expect(await third.json()).toEqual({ ok: false, error: "ratelimited" });
      expect((await post("C0B")).status).toBe(200); // another channel has its own allowance
      expect(limited.messages).toHaveLength(3);
      expect(limited.rateLimitedByChannel.get("C0A")).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it("answers users.info with admin/owner flags, and the locale only when include_locale is set", async () => {
    slack.addUser("U0ADMIN", { isAdmin: true, locale: "ko-KR" });
    const web = client(slack);
    const withLocale = await web.users.info({ user: "U0ADMIN", include_locale: true });
    expect(withLocale.user).toMatchObject({ id: "U0ADMIN", is_admin: true, is_owner: false, locale: "ko-KR" });
    const withoutLocale = await web.users.info({ user: "U0ADMIN" });
    expect(withoutLocale.user?.locale).toBeUndefined();
    expect((await slackError(web.users.info({ user: "U0NOBODY" }))).error).toBe("user_not_found");
  });

  it("shows ephemeral messages only to a known user and keeps them out of the channel", async () => {
    const web = client(slack);
    expect(
      (await slackError(web.chat.postEphemeral({ channel: CHANNEL, user: "U0READER", text: "only you" }))).error,
    ).toBe("user_not_found");
    slack.addUser("U0READER");
    await web.chat.postEphemeral({ channel: CHANNEL, user: "U0READER", text: "only you" });
    expect(slack.ephemeral).toEqual([
      expect.objectContaining({ channel: CHANNEL, user: "U0READER", text: "only you" }),
    ]);
    expect(slack.messages).toHaveLength(0);
  });

  it("describes channels in conversations.info, including archived ones", async () => {
    slack.addChannel("C0OLDNEWS", "old-news");
    slack.setChannelError("C0OLDNEWS", "is_archived");
    const info = await client(slack).conversations.info({ channel: "C0OLDNEWS" });
    expect(info.channel).toMatchObject({ id: "C0OLDNEWS", name: "old-news", is_archived: true });
    expect((await slackError(client(slack).conversations.info({ channel: "C0MISSING" }))).error).toBe(
      "channel_not_found",
    );
  });

  it("identifies the bot in auth.test", async () => {
    const result = await client(slack).auth.test();
    expect(result).toMatchObject({ ok: true, team_id: "T000", user_id: "UHERALDBOT" });
  });
});

describe("SlackFake incoming webhooks", () => {
  let slack: SlackFake;

  beforeEach(async () => {
    slack = await SlackFake.start();
  });
  afterEach(async () => {
    await slack.close();
  });

  const postJson = (url: string, body: string) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("posts a valid payload into the hook's channel and answers the plain text ok", async () => {
    const url = slack.incomingWebhookUrl("news", "C0HOOK");
    const response = await postJson(url, JSON.stringify({ text: "속보", blocks: [{ type: "divider" }] }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
    expect(slack.messages).toEqual([expect.objectContaining({ channel: "C0HOOK", text: "속보", via: "webhook" })]);
  });

  it("refuses what Slack refuses, with its status codes and plain-text error codes", async () => {
    const url = slack.incomingWebhookUrl();
    const cases: Array<[string, number, string]> = [
      ["{}", 400, "no_text"],
      ["{not json", 400, "invalid_payload"],
      [
        JSON.stringify({
          text: "x",
          blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }],
        }),
        400,
        "invalid_blocks",
      ],
    ];
    for (const [body, status, text] of cases) {
      const response = await postJson(url, body);
      expect([response.status, await response.text()]).toEqual([status, text]);
    }
    const unknown = await postJson(url.replace(/hook$/, "nope"), JSON.stringify({ text: "x" }));
    expect([unknown.status, await unknown.text()]).toEqual([404, "no_service"]);
    expect(slack.messages).toHaveLength(0);
  });

  it("answers 410 channel_is_archived when the hook's channel is archived", async () => {
    const url = slack.incomingWebhookUrl("old", "C0OLD");
    slack.setChannelError("C0OLD", "is_archived");
    const response = await postJson(url, JSON.stringify({ text: "x" }));
    expect([response.status, await response.text()]).toEqual([410, "channel_is_archived"]);
  });

  it("answers an injected 429 with Retry-After and counts it", async () => {
    const url = slack.incomingWebhookUrl();
    slack.failNext(1, 429, { retryAfter: 7 });
    const response = await postJson(url, JSON.stringify({ text: "x" }));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(slack.rateLimitedCount).toBe(1);
    expect((await postJson(url, JSON.stringify({ text: "x" }))).status).toBe(200);
  });
});

describe("signSlackRequest", () => {
  it("produces v0 signatures that Bolt's verifySlackRequest accepts, and that break when the body changes", () => {
    const secret = "8f742231b10e8888abcd99yyyzzz85a5";
    const body = "token=x&team_id=T000&command=%2Fnews&text=latest";
    const headers = signSlackRequest(secret, body);
    const asBolt = {
      "x-slack-signature": headers["x-slack-signature"],
      "x-slack-request-timestamp": Number(headers["x-slack-request-timestamp"]),
    };

    expect(() => verifySlackRequest({ signingSecret: secret, body, headers: asBolt })).not.toThrow();
    expect(() => verifySlackRequest({ signingSecret: secret, body: `${body}x`, headers: asBolt })).toThrow(
      /signature mismatch/,
    );
    expect(() => verifySlackRequest({ signingSecret: "other-secret", body, headers: asBolt })).toThrow(
      /signature mismatch/,
    );
  });

  it("signs with the given timestamp, so stale requests can be built on purpose", () => {
    const secret = "s3cr3t";
    const stale = Math.floor(Date.now() / 1000) - 600;
    const headers = signSlackRequest(secret, "{}", stale);
    expect(headers["x-slack-request-timestamp"]).toBe(String(stale));
    expect(() =>
      verifySlackRequest({
        signingSecret: secret,
        body: "{}",
        headers: { "x-slack-signature": headers["x-slack-signature"], "x-slack-request-timestamp": stale },
      }),
    ).toThrow(/stale/);
  });
});

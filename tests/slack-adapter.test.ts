/**
 * The Slack adapter posting through the real @slack/web-api WebClient to the strict SlackFake:
 * cards as private uploads shown in the same message, edits, deletes, rate limits and the
 * mapping of Slack's error codes onto Herald's error family.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatSlack } from "../adapters/slack/format.ts";
import { SlackWebhookPoster } from "../adapters/slack/webhook-poster.ts";
import {
  AuthenticationError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ValidationError,
} from "../src/errors.ts";
import { NO_CARD } from "../src/message/card-placement.ts";
import { SlackFake, type SlackMessage } from "./fakes/slack/server.ts";
import {
  adapterFor,
  BOT_TOKEN,
  cardFile,
  englishMessage,
  outageMessage,
  slackCardPng,
} from "./fixtures/slack/adapter.ts";
import { failure as adapterFailure } from "./helpers/adapter-errors.ts";

const CHANNEL = "C0HERALDNEWS";
const KEY = { idempotencyKey: "delivery-1" };

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as the fake recorded it
type AnyBlock = any;
const imageBlocks = (message: SlackMessage | undefined): AnyBlock[] =>
  (message?.blocks ?? []).filter((block: AnyBlock) => block.type === "image");
const headerText = (message: SlackMessage | undefined): string | undefined =>
  message?.blocks.find((block: AnyBlock) => block.type === "header")?.text.text;

/** Every failure must be an AdapterError that does not show the bot token. */
const failure = (promise: Promise<unknown>) => adapterFailure(promise, [BOT_TOKEN]);

describe("Slack adapter posting", () => {
  let slack: SlackFake;

  beforeEach(async () => {
    slack = await SlackFake.start({
      botToken: BOT_TOKEN,
      perChannelPerSecond: 0,
      channels: { [CHANNEL]: "breaking-news" },
    });
  });
  afterEach(async () => {
    await slack.close();
  });

  it("posts a card as a private upload shown by an image block inside the same message", async () => {
    const png = slackCardPng();
    const message = outageMessage(true);
    const posted = await adapterFor(slack).poster(CHANNEL).post(message, cardFile(png), KEY);

    expect(slack.uploads).toHaveLength(1);
    const [upload] = slack.uploads;
    expect(upload?.bytes.equals(png)).toBe(true);
    expect(upload?.channel).toBeUndefined(); // not shared as a second message
    expect(slack.messages).toHaveLength(1);
    const [shown] = slack.messages;
    expect(shown?.channel).toBe(CHANNEL);
    expect(headerText(shown)).toBe(message.title);
    expect(shown?.text).toContain(message.title);
    expect(imageBlocks(shown)).toEqual([
      expect.objectContaining({ type: "image", slack_file: { id: upload?.fileId }, alt_text: expect.any(String) }),
    ]);
    expect(posted.id).toBe(`${shown?.ts}|${upload?.fileId}`);
  });

  it("posts without a card as one chat.postMessage carrying formatSlack's text and blocks", async () => {
    const message = outageMessage(false);
    const posted = await adapterFor(slack).poster(CHANNEL).post(message, null, KEY);

    expect(slack.uploads).toHaveLength(0);
    expect(slack.messages).toHaveLength(1);
    const expected = formatSlack(message, NO_CARD);
    expect(slack.messages[0]).toMatchObject({ channel: CHANNEL, text: expected.text, blocks: expected.blocks });
    expect(posted.id).toBe(slack.messages[0]?.ts);
  });

  it("waits while Slack is still processing the card, then shows it", async () => {
    slack.delayFileProcessing(2);
    await adapterFor(slack).poster(CHANNEL).post(outageMessage(true), cardFile(), KEY);

    const refused = slack.calls.filter((call) => call.method === "chat.postMessage" && call.error === "invalid_blocks");
    expect(refused).toHaveLength(2);
    expect(slack.messages).toHaveLength(1);
    expect(imageBlocks(slack.messages[0])[0]?.slack_file).toEqual({ id: slack.uploads[0]?.fileId });
  });

  it("posts the text with the timeline as text, and deletes the upload, when Slack never finishes processing the card", async () => {
    slack.delayFileProcessing(100);
    const message = outageMessage(true);
    const posted = await adapterFor(slack, { cardWaitsMs: [5, 5] })
      .poster(CHANNEL)
      .post(message, cardFile(), KEY);

    expect(slack.messages).toHaveLength(1);
    expect(imageBlocks(slack.messages[0])).toEqual([]);
    expect(slack.messages[0]?.blocks).toEqual(formatSlack(message, NO_CARD).blocks);
    expect(slack.uploads[0]?.deleted).toBe(true);
    expect(posted.id).toBe(slack.messages[0]?.ts);
  });

  it("edits a posted message in place with chat.update", async () => {
    const adapter = adapterFor(slack);
    const posted = await adapter.poster(CHANNEL).post(outageMessage(false), null, KEY);
    const replacement = englishMessage(false);
    await adapter.edit(CHANNEL, posted.id!, replacement, null);

    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({ edited: true, text: formatSlack(replacement, NO_CARD).text });
    expect(headerText(slack.messages[0])).toBe(replacement.title);
  });

  it("edits with a new card: the message shows the new file and the old one is deleted", async () => {
    const adapter = adapterFor(slack);
    const posted = await adapter.poster(CHANNEL).post(outageMessage(true), cardFile(), KEY);
    await adapter.edit(CHANNEL, posted.id!, englishMessage(true), cardFile());

    expect(slack.uploads).toHaveLength(2);
    const [first, second] = slack.uploads;
    expect(first?.deleted).toBe(true);
    expect(second?.deleted).toBeUndefined();
    expect(imageBlocks(slack.messages[0])[0]?.slack_file).toEqual({ id: second?.fileId });
  });

  it("deletes the message and its card file", async () => {
    const adapter = adapterFor(slack);
    const posted = await adapter.poster(CHANNEL).post(outageMessage(true), cardFile(), KEY);
    await adapter.delete(CHANNEL, posted.id!);

    expect(slack.messages[0]?.deleted).toBe(true);
    expect(slack.uploads[0]?.deleted).toBe(true);
  });

  it("declares Slack's one-message-a-second pace for its channel, so the delivery queue spaces posts", () => {
    expect(adapterFor(slack).poster(CHANNEL).paces).toEqual([{ key: `slack:${CHANNEL}`, minIntervalMs: 1000 }]);
  });

  it("lets the WebClient wait out a 429 (Retry-After) and retry, so the message arrives exactly once", async () => {
    slack.failNext(1, 429, { retryAfter: 1 });
    const posted = await adapterFor(slack).poster(CHANNEL).post(outageMessage(false), null, KEY);

    expect(slack.messages).toHaveLength(1);
    expect(posted.id).toBe(slack.messages[0]?.ts);
    expect(slack.calls.map((call) => call.status)).toEqual([429, 200]);
  });

  it("paces a burst to one channel under Slack's per-channel limit without losing a post", async () => {
    const paced = await SlackFake.start({
      botToken: BOT_TOKEN,
      perChannelPerSecond: 5,
      burst: 1,
      channels: { [CHANNEL]: "news" },
    });
    try {
      const poster = adapterFor(paced).poster(CHANNEL);
      await Promise.all(
        [1, 2, 3].map((n) => poster.post(outageMessage(false), null, { idempotencyKey: `burst-${n}` })),
      );
      expect(paced.messages).toHaveLength(3);
      expect(paced.rateLimitedByChannel.get(CHANNEL)).toBeGreaterThan(0);
    } finally {
      await paced.close();
    }
  });

  it("gives up with a RateLimitError carrying Retry-After when the limit outlasts the retries", async () => {
    slack.failNext(3, 429, { retryAfter: 1 });
    const error = await failure(
      adapterFor(slack, { retry: { retries: 1, minTimeoutMs: 10 } })
        .poster(CHANNEL)
        .post(outageMessage(false), null, KEY),
    );

    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(1000);
    expect(error).toMatchObject({ platform: "slack", method: "chat.postMessage", retryAfterMs: 1000 });
    expect(slack.messages).toHaveLength(0);
  });
});

describe("Slack adapter errors", () => {
  let slack: SlackFake;

  beforeEach(async () => {
    slack = await SlackFake.start({
      botToken: BOT_TOKEN,
      perChannelPerSecond: 0,
      channels: { [CHANNEL]: "breaking-news" },
    });
  });
  afterEach(async () => {
    await slack.close();
  });

  it("maps not_in_channel to a PermissionError that says to invite the app", async () => {
    slack.setChannelError("C0NOTJOINED", "not_in_channel");
    const error = await failure(adapterFor(slack).poster("C0NOTJOINED").post(outageMessage(false), null, KEY));

    expect(error).toBeInstanceOf(PermissionError);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/not_in_channel.*invite/);
    expect(error).toMatchObject({
      platform: "slack",
      method: "chat.postMessage",
      platformCode: "not_in_channel",
      retryAfterMs: undefined,
    });
  });

  it("maps is_archived to a PermissionError and deletes the card it had uploaded", async () => {
    slack.setChannelError("C0ARCHIVED", "is_archived");
    const error = await failure(adapterFor(slack).poster("C0ARCHIVED").post(outageMessage(true), cardFile(), KEY));

    expect(error).toBeInstanceOf(PermissionError);
    expect(slack.uploads).toHaveLength(1);
    expect(slack.uploads[0]?.deleted).toBe(true);
  });

  it("maps channel_not_found to a NotFoundError", async () => {
    const error = await failure(adapterFor(slack).poster("C0NOWHERE").post(outageMessage(false), null, KEY));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain("channel_not_found");
    expect(error).toMatchObject({ method: "chat.postMessage", platformCode: "channel_not_found" });
  });

  it("gives incoming webhook failures their code, method and a path without the webhook secret", async () => {
    slack.setChannelError("C0ARCHIVED", "is_archived");
    const url = slack.incomingWebhookUrl("archived-hook", "C0ARCHIVED");
    const error = await failure(new SlackWebhookPoster(url).post(outageMessage(false), null, KEY));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      platform: "slack-webhook",
      method: "POST",
      path: "/services/***",
      platformCode: "channel_is_archived",
      status: 410,
    });
    expect(error.message).not.toContain(new URL(url).pathname);
  });

  it("maps invalid_auth to an AuthenticationError that names SLACK_BOT_TOKEN but not the token", async () => {
    const error = await failure(
      adapterFor(slack, { botToken: "xoxb-wrong-token-1234" }).poster(CHANNEL).post(outageMessage(false), null, KEY),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("SLACK_BOT_TOKEN");
    expect(error.message).not.toContain("xoxb-wrong-token-1234");
  });

  it("maps editing a message that does not exist to a NotFoundError", async () => {
    const error = await failure(adapterFor(slack).edit(CHANNEL, "1700000000.000001", outageMessage(false), null));
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it("refuses a message id that is not a Slack ts with a ValidationError naming it", async () => {
    const error = await failure(adapterFor(slack).delete(CHANNEL, "not-a-ts"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain("not-a-ts");
  });

  it("turns repeated 5xx answers into a retryable NetworkError", async () => {
    slack.failNext(3, 503);
    const error = await failure(
      adapterFor(slack, { retry: { retries: 2, minTimeoutMs: 5, maxTimeoutMs: 10 } })
        .poster(CHANNEL)
        .post(outageMessage(false), null, KEY),
    );

    expect(error).toBeInstanceOf(NetworkError);
    expect(error.retryable).toBe(true);
    expect(slack.calls.map((call) => call.status)).toEqual([503, 503, 503]);
  });

  it("turns an unreachable API into a NetworkError without the token or URL secrets", async () => {
    const closed = await SlackFake.start({ botToken: BOT_TOKEN });
    const apiUrl = closed.apiUrl;
    await closed.close();
    const error = await failure(
      adapterFor(slack, { apiUrl, retry: { retries: 1, minTimeoutMs: 5, maxTimeoutMs: 10 } })
        .poster(CHANNEL)
        .post(outageMessage(false), null, KEY),
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain("could not reach Slack");
  });
});

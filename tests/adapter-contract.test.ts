/**
 * One contract, three platforms: every chat adapter must post, edit and
 * delete what members see, map refusals onto the shared error family, and
 * survive a 429 without losing or doubling the post. Each harness puts the
 * real adapter in front of its strict platform fake.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePost } from "../src/article/index.ts";
import { NotFoundError, PermissionError, RateLimitError } from "../src/errors.ts";
import { buildMessage } from "../src/message/build.ts";
import { createDiscordHarness } from "./contract/discord.ts";
import type { ContractHarness, HarnessFactory } from "./contract/harness.ts";
import { createSlackHarness } from "./contract/slack.ts";
import { createTelegramHarness } from "./contract/telegram.ts";
import { cardPng } from "./helpers/cards.ts";
import { examplePost } from "./helpers/paths.ts";

const harnesses: [string, HarnessFactory][] = [
  ["discord", createDiscordHarness],
  ["slack", createSlackHarness],
  ["telegram", createTelegramHarness],
];

const article = parsePost(readFileSync(examplePost), examplePost, { baseUrl: "https://news.example.kr" });

const withCard = () => {
  const png = cardPng({ width: 240, height: 120, shade: 200 });
  return {
    message: buildMessage(article, { card: { filename: "timeline.png", url: null, width: 240, height: 120 } }),
    card: { filename: "timeline.png", png },
  };
};

describe.each(harnesses)("ChatAdapter contract: %s", (_platform, create) => {
  let h: ContractHarness;
  beforeEach(async () => {
    h = await create();
  });
  afterEach(async () => {
    await h.close();
  });

  const post = (channelId: string, key = "contract-1") => {
    const { message, card } = withCard();
    return h.adapter.poster(channelId).post(message, card, { idempotencyKey: key });
  };

  it("posts a message with its card, returning the platform's id", async () => {
    const posted = await post(h.channelId);
    expect(posted.id).toBeTruthy();
    const [seen] = h.received();
    expect(seen?.text).toContain(article.title.slice(0, 30));
    expect(seen?.hasCard).toBe(true);
  });

  it("posts a message without a card", async () => {
    await h.adapter.poster(h.channelId).post(buildMessage(article), null, { idempotencyKey: "contract-2" });
    const [seen] = h.received();
    expect(seen?.text).toContain(article.title.slice(0, 30));
    expect(seen?.hasCard).toBe(false);
  });

  it("edits what it posted, so members see the new text", async () => {
    const posted = await post(h.channelId);
    const corrected = buildMessage({ ...article, title: `[정정] ${article.title}` });
    await h.adapter.edit(h.channelId, posted.id as string, corrected, null);
    expect(h.received().some((m) => m.text.includes("[정정]") || m.text.includes("\\[정정]"))).toBe(true);
  });

  it("deletes what it posted", async () => {
    const posted = await post(h.channelId);
    expect(h.received()).not.toHaveLength(0);
    await h.adapter.delete(h.channelId, posted.id as string);
    // Checked on what the fake holds, which the post above made non-empty: `every` on nothing would pass.
    const after = h.received();
    expect(after).not.toHaveLength(0);
    expect(after.filter((m) => !m.deleted)).toEqual([]);
  });

  it("maps a channel the bot may not post in onto PermissionError", async () => {
    await expect(post(h.forbiddenChannelId)).rejects.toBeInstanceOf(PermissionError);
  });

  it("maps a channel that does not exist onto NotFoundError", async () => {
    await expect(post(h.missingChannelId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("survives a 429: the post arrives exactly once (retried by the client, or RateLimitError for the queue to retry)", async () => {
    h.failNextWith429(1);
    try {
      await post(h.channelId);
    } catch (error) {
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(0);
      expect(h.received()).toHaveLength(0);
      await new Promise((r) => setTimeout(r, (error as RateLimitError).retryAfterMs));
      await post(h.channelId);
    }
    expect(h.received().filter((m) => !m.deleted)).toHaveLength(1);
  });

  it("never puts a token or secret in an error message", async () => {
    // The post must fail: a resolved post would leave no message to inspect, and the check below would pass on nothing.
    const error = await post(h.forbiddenChannelId).then(
      () => expect.fail("posting to a forbidden channel resolved instead of failing"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).not.toBe("");
    const text = `${(error as Error).message} ${String((error as Error).cause ?? "")}`;
    expect(text).not.toMatch(/do-not-leak|xoxb-|\d{6,}:[A-Za-z0-9_-]{20,}/);
  });
});

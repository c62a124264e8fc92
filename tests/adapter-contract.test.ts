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
import type { StoryUpdate } from "../src/message/types.ts";
import { createDiscordHarness } from "./contract/discord.ts";
import type { ContractHarness, HarnessFactory } from "./contract/harness.ts";
import { createSlackHarness } from "./contract/slack.ts";
import { createTelegramHarness } from "./contract/telegram.ts";
import { cardPng } from "./helpers/cards.ts";
import { examplePost } from "./helpers/paths.ts";
import { storyUpdate } from "./helpers/story.ts";

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

  describe("developing stories", () => {
    const update = (event = "전 지역 복구 완료"): StoryUpdate =>
      storyUpdate(event, { articleId: article.id, language: article.language, title: article.title, url: article.url });
    const poster = () => h.adapter.poster(h.channelId);
    const newerCard = () => ({ filename: "timeline.png", png: cardPng({ width: 240, height: 150, shade: 90 }) });

    it("edits a post with a new card: members see the new PNG and the updated marker", async () => {
      const first = withCard();
      const posted = await post(h.channelId);
      const { message } = withCard();
      const card = newerCard();
      await poster().edit?.(posted.id as string, { ...message, updatedLabel: "13:40 업데이트" }, card);
      const shown = h.shownCard(posted.id as string);
      expect(shown?.equals(Buffer.from(card.png))).toBe(true);
      expect(shown?.equals(Buffer.from(first.card.png))).toBe(false);
      const [seen] = h.received();
      expect(seen?.text).toContain("13:40 업데이트");
      expect(h.received()).toHaveLength(1);
    });

    it("edits a retracted post to its struck-through title and notice, without its card where the platform allows", async () => {
      const posted = await post(h.channelId);
      const retracted = { ...buildMessage(article), retraction: { notice: "기사가 철회되었습니다" } };
      await poster().edit?.(posted.id as string, retracted, null);
      const [seen] = h.received();
      expect(seen?.text).toContain("기사가 철회되었습니다");
      expect(seen?.hasCard).toBe(h.retractionKeepsPhoto);
      expect(h.received()).toHaveLength(1);
    });

    it("replies in the thread under the post with the new row's time and text; the channel still has one post", async () => {
      const posted = await post(h.channelId);
      await poster().reply?.(posted.id as string, update(), { idempotencyKey: "reply-1" });
      const replies = h.threadReplies(posted.id as string);
      expect(replies).toHaveLength(1);
      expect(replies[0]?.text).toContain("13:40 업데이트");
      expect(replies[0]?.text).toContain("13:40 — 전 지역 복구 완료");
      expect(h.received().filter((m) => !m.deleted)).toHaveLength(1);
    });

    it("puts a second update in the same thread", async () => {
      const posted = await post(h.channelId);
      await poster().reply?.(posted.id as string, update(), { idempotencyKey: "reply-1" });
      await poster().reply?.(posted.id as string, update("사후 분석 공개"), { idempotencyKey: "reply-2" });
      const replies = h.threadReplies(posted.id as string);
      expect(replies.map((reply) => reply.text.includes("사후 분석 공개"))).toEqual([false, true]);
      expect(h.received().filter((m) => !m.deleted)).toHaveLength(1);
    });

    it("refuses a reply under a message that does not exist (NotFoundError)", async () => {
      const reply = poster().reply?.(h.missingMessageId, update(), { idempotencyKey: "reply-missing" });
      await expect(reply).rejects.toBeInstanceOf(NotFoundError);
    });

    it("refuses to edit a message a member wrote (PermissionError)", async () => {
      const theirs = h.memberMessage("a member's own words");
      await expect(poster().edit?.(theirs, buildMessage(article), null)).rejects.toBeInstanceOf(PermissionError);
    });

    it("deletes through the poster", async () => {
      const posted = await post(h.channelId);
      await poster().delete?.(posted.id as string);
      expect(h.received().map((m) => m.deleted)).toEqual([true]);
    });
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

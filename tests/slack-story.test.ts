/**
 * Developing stories on Slack, against the strict fake: the configured mention in front (article
 * `<!channel>` stays text), silent posts without it, thread replies under the post's ts (broadcast to
 * the channel only when they are meant to wake someone), and edits that swap or drop the card.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../src/errors.ts";
import { SlackFake } from "./fakes/slack/server.ts";
import { adapterFor, BOT_TOKEN, cardFile, outageMessage, slackCardPng } from "./fixtures/slack/adapter.ts";
import { cardPng } from "./helpers/cards.ts";
import { storyUpdate } from "./helpers/story.ts";

const CHANNEL = "C0HERALDNEWS";
const KEY = { idempotencyKey: "slack-story" };

const hostile = () => {
  const message = outageMessage(false);
  return { ...message, title: `<!channel> @here ${message.title}` };
};

const update = (event: string) => storyUpdate(event);

describe("Slack story mode", () => {
  let slack: SlackFake;
  beforeEach(async () => {
    slack = await SlackFake.start({ botToken: BOT_TOKEN, perChannelPerSecond: 0, channels: { [CHANNEL]: "news" } });
  });
  afterEach(async () => {
    await slack.close();
  });

  it("puts the configured mention first, while article <!channel> and @here stay text", async () => {
    await adapterFor(slack)
      .poster(CHANNEL)
      .post(hostile(), null, { ...KEY, notify: { mention: "<!subteam^S0ONCALL>" } });
    const [sent] = slack.messages;
    expect(sent?.text.startsWith("<!subteam^S0ONCALL> ")).toBe(true);
    expect(sent?.blocks[0]).toMatchObject({ type: "section", text: { text: "<!subteam^S0ONCALL>" } });
    const everything = JSON.stringify(sent);
    expect(everything.match(/<!/g)).toHaveLength(2);
    expect(everything).not.toContain("<!channel>");
    expect(everything).toContain("&lt;!channel&gt;");
  });

  it("writes @here the Slack way, and refuses a mention it does not know, naming it", async () => {
    const poster = adapterFor(slack).poster(CHANNEL);
    await poster.post(outageMessage(false), null, { ...KEY, notify: { mention: "@here" } });
    expect(slack.messages[0]?.text.startsWith("<!here> ")).toBe(true);
    const refused = poster.post(outageMessage(false), null, { ...KEY, notify: { mention: "oncall" } });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow(/"oncall"/);
  });

  it("replies under the post's ts; a reply with a mention is broadcast, a silent one is not and mentions nobody", async () => {
    const poster = adapterFor(slack).poster(CHANNEL);
    const posted = await poster.post(outageMessage(false), null, KEY);
    await poster.reply?.(posted.id as string, update("복구 시작"), { ...KEY, notify: { mention: "<!here>" } });
    await poster.reply?.(posted.id as string, update("복구 완료"), {
      ...KEY,
      notify: { mention: "<!here>", silent: true },
    });
    const replies = slack.messages.filter((m) => m.threadTs === posted.id);
    expect(replies.map((m) => m.replyBroadcast ?? false)).toEqual([true, false]);
    expect(replies[0]?.text).toContain("<!here>");
    expect(replies[1]?.text).not.toContain("<!here>");
    expect(replies[1]?.blocks[0].text.text).toBe("*13:40 업데이트*\n13:40 — 복구 완료");
  });

  it("edits with a newly uploaded card and deletes the old file; a retraction drops the card", async () => {
    const poster = adapterFor(slack).poster(CHANNEL);
    const posted = await poster.post(outageMessage(true), cardFile(slackCardPng()), KEY);
    const newer = cardFile(cardPng({ width: 24, height: 12, shade: 10 }));
    await poster.edit?.(posted.id as string, { ...outageMessage(true), updatedLabel: "13:40 업데이트" }, newer);
    const shownId = () => slack.messages[0]?.blocks.find((b) => b.type === "image")?.slack_file?.id;
    const shown = slack.uploads.find((u) => u.fileId === shownId());
    expect(shown?.bytes.equals(Buffer.from(newer.png))).toBe(true);
    expect(slack.uploads.filter((u) => u.deleted)).toHaveLength(1);

    await poster.edit?.(
      posted.id as string,
      { ...outageMessage(true), retraction: { notice: "기사가 철회되었습니다" } },
      null,
    );
    expect(shownId()).toBeUndefined();
    expect(slack.messages[0]?.blocks.map((b) => b.text?.text)).toEqual([
      expect.stringMatching(/^~.*~$/),
      "기사가 철회되었습니다",
    ]);
  });
});

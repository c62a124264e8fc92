import { describe, expect, it } from "vitest";
import { formatDiscord } from "../adapters/discord/format.ts";
import { formatSlack } from "../adapters/slack/format.ts";
import { formatTelegram } from "../adapters/telegram/format.ts";
import { configSchema } from "../config/schema.ts";
import { alertLocale } from "../jobs/alerts/send.ts";
import { buildAlertMessage } from "../src/alerts/message.ts";
import type { AlertNotice } from "../src/alerts/subject.ts";
import { NO_CARD } from "../src/message/card-placement.ts";
import { blocksText } from "../src/message/plain.ts";

const since = "2026-12-05T08:00:12.345Z";
const feedDown: AlertNotice = {
  subject: { kind: "feed", feedId: "hn" },
  transition: "opened",
  reason: "HTTP 500 from https://hn.example/rss",
  since,
  at: since,
};

describe("alert messages", () => {
  it("name the feed, the reason, since when and what to do, in English or Korean", () => {
    const en = buildAlertMessage(feedDown, "en");
    expect(en.title).toBe("⚠️ Feed hn is failing");
    expect(en.url).toBeNull();
    const text = blocksText(en.blocks);
    expect(text).toContain("Reason: HTTP 500 from https://hn.example/rss");
    expect(text).toContain("Broken since 2026-12-05 08:00 UTC.");
    expect(text).toContain("check the feed URL");
    const ko = buildAlertMessage(feedDown, "ko");
    expect(ko.title).toBe("⚠️ hn 피드를 가져오지 못하고 있습니다");
    expect(blocksText(ko.blocks)).toContain("원인: HTTP 500");
  });

  it("say a recovery with how long it was broken, and a repeat as still broken", () => {
    const back = buildAlertMessage({ ...feedDown, transition: "recovered", at: "2026-12-05T09:30:00.000Z" }, "en");
    expect(back.title).toBe("✅ Feed hn works again");
    expect(blocksText(back.blocks)).toContain("It was broken from 2026-12-05 08:00 UTC to 2026-12-05 09:30 UTC.");
    expect(blocksText(buildAlertMessage({ ...feedDown, transition: "repeated" }, "en").blocks)).toContain(
      "Still broken, since 2026-12-05 08:00 UTC.",
    );
  });

  it("point a given-up delivery at herald trace as code, and a destination at its permissions", () => {
    const delivery = buildAlertMessage(
      { ...feedDown, subject: { kind: "delivery", articleId: "ms-outage", version: 2, destinationId: "news" } },
      "en",
    );
    expect(delivery.title).toBe("⚠️ Herald gave up delivering ms-outage v2 to news");
    expect(delivery.blocks[2]).toMatchObject({
      type: "paragraph",
      children: expect.arrayContaining([{ type: "code", value: "herald trace ms-outage" }]),
    });
    const destination = buildAlertMessage(
      { ...feedDown, subject: { kind: "destination", destinationId: "news" }, reason: "Missing Permissions (50013)" },
      "en",
    );
    expect(destination.title).toBe("⚠️ Herald can't post to news");
    expect(blocksText(destination.blocks)).toContain("re-invite the bot and give it the Send Messages permission");
  });

  it("render natively on every platform without pinging anyone, whatever the remote reason says", () => {
    const hostile = buildAlertMessage({ ...feedDown, reason: "@everyone <!channel> <b>hi</b> \u202Egnp.exe" }, "en");
    const discord = formatDiscord(hostile, NO_CARD);
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.embeds?.[0]?.title).toBe("⚠️ Feed hn is failing");
    const slack = JSON.stringify(formatSlack(hostile, NO_CARD));
    expect(slack).not.toContain("<!channel>");
    const telegram = JSON.stringify(formatTelegram(hostile, "-100123", NO_CARD));
    expect(telegram).not.toContain("<b>hi</b>");
    expect(blocksText(hostile.blocks)).not.toContain("\u202E");
  });

  it("are written in the alert destination's own locale, else in alerts.locale", () => {
    const config = (destination: Record<string, unknown>, locale?: string) =>
      configSchema.parse({
        destinations: [{ id: "ops", type: "slack-webhook", url: "https://hooks.example/x", ...destination }],
        alerts: { destination: "ops", ...(locale ? { locale } : {}) },
      });
    expect(alertLocale(config({ locale: "ko" }))).toBe("ko");
    expect(alertLocale(config({ locale: "ko" }, "en"))).toBe("ko");
    expect(alertLocale(config({}, "ko"))).toBe("ko");
    expect(alertLocale(config({}))).toBe("en");
    expect(() => config({ locale: "jp" })).toThrow();
  });
});

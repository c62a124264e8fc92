/**
 * Masked links whose text names another site: every platform shows where the
 * link really goes. Text that is not an address, or names the target's own
 * host, stays the link's text.
 */
import { describe, expect, it } from "vitest";
import { formatDiscord } from "../adapters/discord/format.ts";
import { formatSlack } from "../adapters/slack/format.ts";
import { formatTelegram } from "../adapters/telegram/format.ts";
import type { Block } from "../src/article/types.ts";
import { buildMessage } from "../src/message/build.ts";
import { NO_CARD } from "../src/message/card-placement.ts";
import { linkTextMisleads } from "../src/text/link-text.ts";
import { englishArticle, withBody } from "./fixtures/format/articles.ts";

const EVIL = "https://evil.example/";

function linkBody(text: string, url = EVIL): Block[] {
  return [
    {
      type: "paragraph",
      children: [
        { type: "text", value: "See " },
        { type: "link", url, children: [{ type: "text", value: text }] },
      ],
    },
  ];
}

function rendered(text: string, url = EVIL) {
  const message = buildMessage(withBody(englishArticle(), linkBody(text, url)), { detail: "full" });
  const [call] = formatTelegram(message, -100123, NO_CARD);
  return {
    discord: formatDiscord(message, NO_CARD).embeds?.[0]?.description ?? "",
    slack: JSON.stringify(formatSlack(message, NO_CARD).blocks),
    telegram:
      call?.method === "sendMessage"
        ? call.params.text
        : call?.method === "editMessageMedia"
          ? call.params.media.caption
          : (call?.params.caption ?? ""),
  };
}

describe("link text that names another site", () => {
  for (const text of ["https://bank.example", "bank.example", "www.bank.example/login", "BANK.example"]) {
    it(`shows [${text}](${EVIL}) as the real target on Discord, Slack and Telegram`, () => {
      const { discord, slack, telegram } = rendered(text);
      expect(discord).toBe(`See ${EVIL}`);
      expect(slack).toContain(`See <${EVIL}>`);
      expect(slack).not.toContain("bank.example");
      expect(telegram).toContain(`See <a href="${EVIL}">${EVIL}</a>`);
      expect(telegram).not.toContain("bank.example");
    });
  }

  it("keeps ordinary link text, and a host name that is the target's own", () => {
    const words = rendered("the bank's notice");
    expect(words.discord).toBe(`See [the bank's notice](${EVIL})`);
    expect(words.slack).toContain(`See <${EVIL}|the bank's notice>`);
    expect(words.telegram).toContain(`See <a href="${EVIL}">the bank's notice</a>`);

    const own = rendered("evil.example", "https://www.evil.example/news/1");
    expect(own.slack).toContain("<https://www.evil.example/news/1|evil.example>");
    expect(own.telegram).toContain('<a href="https://www.evil.example/news/1">evil.example</a>');
  });

  it("decides by host: look-alike letters, ports of other hosts and IP addresses are other sites", () => {
    expect(linkTextMisleads("bаnk.example", "https://bank.example/")).toBe(true); // Cyrillic а
    expect(linkTextMisleads("10.0.0.1", "https://bank.example/")).toBe(true);
    expect(linkTextMisleads("https://bank.example.evil.example", "https://bank.example/")).toBe(true);
    expect(linkTextMisleads("bank.example/login", "https://www.bank.example/other")).toBe(false);
    expect(linkTextMisleads("read more", EVIL)).toBe(false);
    expect(linkTextMisleads("v1.2", EVIL)).toBe(false);
  });

  it("reads project names with a dot as words, and hosts under real or reserved top-level domains as addresses", () => {
    for (const words of ["Node.js", "Next.js", "ASP.NET Core guide", "index.html"])
      expect(linkTextMisleads(words, EVIL)).toBe(false);
    for (const host of ["bank.com", "bank.co.kr", "은행.한국", "bank.example:8443/login"])
      expect(linkTextMisleads(host, EVIL)).toBe(true);
  });
});

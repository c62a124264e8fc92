/**
 * Telegram commands end to end: updates from the fake's getUpdates (long polling) or POSTed to the
 * webhook route reach a CommandHandler as CommandRequests, and its replies come back as HTML.
 */
import { Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCommandText } from "../adapters/telegram/command-text.ts";
import { createTelegramAdapter, registerTelegramCommands, setTelegramWebhook } from "../adapters/telegram/index.ts";
import type { ChatAdapter } from "../src/adapter.ts";
import type { CommandHandler, CommandReply, CommandRequest } from "../src/chat/types.ts";
import { runCommand } from "../src/commands/index.ts";
import { AuthenticationError } from "../src/errors.ts";
import { buildMessage } from "../src/message/build.ts";
import { TelegramFake, textMessageUpdate } from "./fakes/telegram/server.ts";
import { commandHarness } from "./fixtures/commands/harness.ts";
import { koreanOutageArticle, timelineCard } from "./fixtures/format/articles.ts";
import { type MountedRoutes, serveAdapterRoutes } from "./helpers/adapter-routes.ts";
import { cardPng } from "./helpers/cards.ts";

const PRIVATE_CHAT = 4242;
const GROUP = -1001234567890;
const MEMBER = 5001;
const ADMIN = 5002;
const OWNER = 5003;

/** Answers every command by describing the request it got, as bold + text HTML. */
function echoHandler(seen: CommandRequest[], askAdmin = false): CommandHandler {
  return async (request) => {
    seen.push(request);
    const admin = askAdmin ? ` admin=${await request.isAdmin()}` : "";
    const options = Object.entries(request.options)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    return {
      ephemeral: true,
      blocks: [
        {
          type: "paragraph",
          children: [
            { type: "strong", children: [{ type: "text", value: `${request.command} ${request.subcommand}` }] },
          ],
        },
        { type: "paragraph", children: [{ type: "text", value: `${options}${admin} <&>` }] },
      ],
    };
  };
}

describe("parseCommandText", () => {
  it("maps bare words after the subcommand onto its option", () => {
    expect(parseCommandText("news", "latest 5")).toEqual({ subcommand: "latest", options: { count: "5" } });
    expect(parseCommandText("news", "search  서버 장애 ")).toEqual({
      subcommand: "search",
      options: { query: "서버 장애" },
    });
    expect(parseCommandText("news", "show https://newsdao.kr/2024/07/11/outlook-outage")).toEqual({
      subcommand: "show",
      options: { article: "https://newsdao.kr/2024/07/11/outlook-outage" },
    });
    expect(parseCommandText("feeds", "ADD https://feeds.example/rss.xml")).toEqual({
      subcommand: "add",
      options: { url: "https://feeds.example/rss.xml" },
    });
    for (const sub of ["remove", "pause", "resume"]) {
      expect(parseCommandText("feeds", `${sub} 7`)).toEqual({ subcommand: sub, options: { id: "7" } });
    }
    expect(parseCommandText("feeds", "list")).toEqual({ subcommand: "list", options: {} });
  });

  it("accepts named options like the slash-command platforms, quoted or not", () => {
    expect(parseCommandText("news", "latest count:5")).toEqual({ subcommand: "latest", options: { count: "5" } });
    expect(parseCommandText("news", 'search query:"서버 장애"')).toEqual({
      subcommand: "search",
      options: { query: "서버 장애" },
    });
    expect(parseCommandText("feeds", "add url:https://a.example/feed id:3")).toEqual({
      subcommand: "add",
      options: { url: "https://a.example/feed", id: "3" },
    });
    expect(parseCommandText("news", "count:3")).toEqual({ subcommand: null, options: { count: "3" } });
  });

  it("gives no subcommand for an empty command and keeps unknown ones for the usage answer", () => {
    expect(parseCommandText("news", "   ")).toEqual({ subcommand: null, options: {} });
    expect(parseCommandText("news", "latets 5")).toEqual({ subcommand: "latets", options: {} });
  });
});

describe("Telegram commands over long polling", () => {
  let telegram: TelegramFake;
  let adapter: ChatAdapter;
  const seen: CommandRequest[] = [];

  beforeEach(async () => {
    telegram = await TelegramFake.start({ botUsername: "HeraldBot" });
    adapter = createTelegramAdapter({ token: telegram.token, apiUrl: telegram.apiRoot, registerCommands: false });
    seen.length = 0;
  });
  afterEach(async () => {
    await adapter.stop();
    await telegram.close();
  });

  it("answers /news latest 5 in a private chat with an HTML reply to the command message", async () => {
    await adapter.start(echoHandler(seen));
    telegram.pushUpdate(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/news latest 5", messageId: 31 }));
    const [reply] = await telegram.waitForSent(1);

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      platform: "telegram",
      command: "news",
      subcommand: "latest",
      options: { count: "5" },
      channelId: String(PRIVATE_CHAT),
      userId: String(PRIVATE_CHAT),
      locale: "ko",
    });
    expect(reply).toMatchObject({ method: "sendMessage", chatId: String(PRIVATE_CHAT), parseMode: "HTML" });
    expect(reply?.visibleText).toBe("news latest\n\ncount=5 <&>");
    expect(reply?.entities?.[0]).toMatchObject({ type: "bold", offset: 0, length: "news latest".length });
  });

  it("clears a stale webhook before polling (Telegram refuses getUpdates while one is set)", async () => {
    await new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } }).api.setWebhook("https://old.example/hook");
    await adapter.start(echoHandler(seen));
    expect(telegram.webhookUrl).toBe("");
    telegram.pushUpdate(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/feeds list" }));
    await telegram.waitForSent(1);
    expect(seen[0]).toMatchObject({ command: "feeds", subcommand: "list" });
  });

  it("takes /news@HeraldBot in a group and ignores /news@OtherBot", async () => {
    await adapter.start(echoHandler(seen));
    telegram.pushUpdate(textMessageUpdate({ chatId: GROUP, userId: MEMBER, text: "/news@OtherBot latest 9" }));
    telegram.pushUpdate(textMessageUpdate({ chatId: GROUP, userId: MEMBER, text: "/news@HeraldBot search 장애" }));
    const [reply] = await telegram.waitForSent(1);
    await adapter.stop();

    expect(seen.map((r) => [r.subcommand, r.options])).toEqual([["search", { query: "장애" }]]);
    expect(seen[0]).toMatchObject({ channelId: String(GROUP), userId: String(MEMBER) });
    expect(reply).toMatchObject({ chatId: String(GROUP), visibleText: "news search\n\nquery=장애 <&>" });
    expect(telegram.sent).toHaveLength(1);
  });

  it("asks Telegram who administers a group: members are not admins, administrators and creators are", async () => {
    telegram.setChatMember(GROUP, MEMBER, "member");
    telegram.setChatMember(GROUP, ADMIN, "administrator");
    telegram.setChatMember(GROUP, OWNER, "creator");
    await adapter.start(echoHandler(seen, true));
    for (const userId of [MEMBER, ADMIN, OWNER]) {
      telegram.pushUpdate(textMessageUpdate({ chatId: GROUP, userId, text: "/feeds list" }));
      await telegram.waitForSent(telegram.sent.length + 1);
    }
    const answers = telegram.sent.map((s) => s.visibleText?.split("\n\n")[1]);
    expect(answers).toEqual([" admin=false <&>", " admin=true <&>", " admin=true <&>"]);
  });

  it("does not make the user of a private chat its admin by default, nor a user Telegram does not know in a group", async () => {
    await adapter.start(echoHandler(seen, true));
    telegram.pushUpdate(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/feeds list" }));
    await telegram.waitForSent(1);
    telegram.pushUpdate(textMessageUpdate({ chatId: GROUP, userId: 6000, text: "/feeds list" }));
    await telegram.waitForSent(2);
    expect(telegram.sent.map((s) => s.visibleText?.endsWith("admin=true <&>"))).toEqual([false, false]);
  });

  it("treats the user of a private chat as its admin when private feeds are on (telegram.privateFeeds)", async () => {
    const open = createTelegramAdapter({
      token: telegram.token,
      apiUrl: telegram.apiRoot,
      registerCommands: false,
      privateChatAdmins: true,
    });
    try {
      await open.start(echoHandler(seen, true));
      telegram.pushUpdate(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/feeds list" }));
      const [reply] = await telegram.waitForSent(1);
      expect(reply?.visibleText).toMatch(/admin=true <&>$/);
    } finally {
      await open.stop();
    }
  });

  it("refuses a stranger's /feeds add in a private chat through the real command core, storing nothing", async () => {
    const h = await commandHarness({ allowPrivateFeedUrls: false });
    try {
      await adapter.start((request) => runCommand(request, h.services));
      telegram.pushUpdate(
        textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/feeds add https://feeds.example/rss.xml" }),
      );
      const [reply] = await telegram.waitForSent(1);
      expect(reply?.chatId).toBe(String(PRIVATE_CHAT));
      expect(reply?.visibleText).toBe("피드 관리는 관리자만 할 수 있습니다.");
      expect(await h.store.listFeeds()).toEqual([]);
      expect(await h.store.listDestinations()).toEqual([]);
    } finally {
      h.cleanup();
    }
  });

  it("makes configured Herald admins admins in every group", async () => {
    const withAdmins = createTelegramAdapter({
      token: telegram.token,
      apiUrl: telegram.apiRoot,
      registerCommands: false,
      admins: [MEMBER],
    });
    telegram.setChatMember(GROUP, MEMBER, "member");
    try {
      await withAdmins.start(echoHandler(seen, true));
      telegram.pushUpdate(textMessageUpdate({ chatId: GROUP, userId: MEMBER, text: "/feeds pause 3" }));
      const [reply] = await telegram.waitForSent(1);
      expect(reply?.visibleText).toContain("id=3 admin=true");
    } finally {
      await withAdmins.stop();
    }
  });

  it("answers /news show with the article posted like a delivery: card photo, caption and button", async () => {
    const message = buildMessage(koreanOutageArticle(), { card: timelineCard });
    const png = cardPng({ width: 40, height: 20, shade: 0x90 });
    const handler: CommandHandler = async () => ({
      ephemeral: false,
      blocks: [],
      article: { message, card: { filename: "timeline.png", png } },
    });
    await adapter.start(handler);
    telegram.pushUpdate(
      textMessageUpdate({ chatId: GROUP, userId: MEMBER, text: "/news show newsdao-2024-07-11-outlook" }),
    );
    const [photo] = await telegram.waitForSent(1);
    expect(photo).toMatchObject({ method: "sendPhoto", chatId: String(GROUP) });
    expect(photo?.photo?.bytes.equals(Buffer.from(png))).toBe(true);
    expect(photo?.visibleText?.startsWith(message.title)).toBe(true);
    expect(photo?.replyMarkup?.inline_keyboard[0][0].url).toBe(message.url);
  });

  it("tells the user in their language when the handler fails, without details", async () => {
    await adapter.start(async () => {
      throw new Error(`database exploded at bot${telegram.token}`);
    });
    telegram.pushUpdate(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/news latest" }));
    const [reply] = await telegram.waitForSent(1);
    expect(reply?.visibleText).toBe("명령을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.");
  });

  it("cuts a reply longer than a Telegram message and still sends valid HTML", async () => {
    const long: CommandReply = {
      ephemeral: true,
      blocks: Array.from({ length: 80 }, (_, i) => ({
        type: "paragraph" as const,
        children: [
          { type: "strong" as const, children: [{ type: "text" as const, value: `${i}. ${"장애 ".repeat(30)}` }] },
        ],
      })),
    };
    await adapter.start(async () => long);
    telegram.pushUpdate(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/news search 장애" }));
    const [reply] = await telegram.waitForSent(1);
    expect(reply?.visibleText?.length).toBeLessThanOrEqual(4096);
    expect(reply?.visibleText?.endsWith("…")).toBe(true);
  });

  it("refuses to start with a token Telegram rejects", async () => {
    const wrong = createTelegramAdapter({ token: "7000000001:AAWrongTokenWrongTokenWrong", apiUrl: telegram.apiRoot });
    const error = await wrong.start(echoHandler(seen)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).not.toContain("AAWrongToken");
  });

  it("registers English and Korean command menus, /feeds only for admins in groups", async () => {
    const api = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } }).api;
    await registerTelegramCommands(api);
    const names = (list: Array<{ command: string }>) => list.map((c) => c.command);

    expect(names(telegram.myCommands as Array<{ command: string }>)).toEqual(["news", "feeds"]);
    const korean = await api.getMyCommands({ language_code: "ko" });
    expect(names(korean)).toEqual(["news", "feeds"]);
    expect(korean[0]?.description).toContain("최신 뉴스");
    expect((telegram.myCommands[0] as { description: string }).description).toContain("Latest news");
    expect(names(await api.getMyCommands({ scope: { type: "all_group_chats" } }))).toEqual(["news"]);
    expect(names(await api.getMyCommands({ scope: { type: "all_chat_administrators" }, language_code: "ko" }))).toEqual(
      ["news", "feeds"],
    );
  });

  it("sets the command menus on start unless told not to", async () => {
    const registering = createTelegramAdapter({ token: telegram.token, apiUrl: telegram.apiRoot });
    try {
      await registering.start(echoHandler(seen));
      expect(telegram.myCommands).toHaveLength(2);
    } finally {
      await registering.stop();
    }
  });
});

describe("Telegram commands over a webhook", () => {
  const SECRET = "herald-webhook-secret_0123456789";
  let telegram: TelegramFake;
  let adapter: ChatAdapter;
  let server: MountedRoutes;
  const seen: CommandRequest[] = [];

  beforeEach(async () => {
    telegram = await TelegramFake.start({ botUsername: "HeraldBot" });
    adapter = createTelegramAdapter({
      token: telegram.token,
      apiUrl: telegram.apiRoot,
      mode: "webhook",
      webhookSecret: SECRET,
      registerCommands: false,
    });
    server = await serveAdapterRoutes(adapter.httpRoutes());
    seen.length = 0;
  });
  afterEach(async () => {
    await adapter.stop();
    await server.close();
    await telegram.close();
  });

  const deliver = (update: object, secret?: string) =>
    fetch(`${server.baseUrl}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
      body: JSON.stringify({ update_id: 900_001, ...update }),
    });

  it("handles an update that carries the right secret", async () => {
    await adapter.start(echoHandler(seen));
    const response = await deliver(
      textMessageUpdate({ chatId: GROUP, userId: MEMBER, text: "/news@HeraldBot latest 3" }),
      SECRET,
    );
    expect(response.status).toBe(200);
    const [reply] = await telegram.waitForSent(1);
    expect(seen[0]).toMatchObject({ command: "news", subcommand: "latest", options: { count: "3" } });
    expect(reply?.visibleText).toContain("count=3");
    expect(telegram.calls.some((c) => c.method === "getUpdates")).toBe(false);
  });

  it("answers 401 and runs nothing for a wrong or missing secret", async () => {
    await adapter.start(echoHandler(seen));
    const wrong = await deliver(
      textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/feeds list" }),
      "herald-webhook-secret_0123456780",
    );
    const missing = await deliver(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/feeds list" }));
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(seen).toEqual([]);
    expect(telegram.sent).toEqual([]);
  });

  it("answers 400 to a body that is not JSON, and 503 before start", async () => {
    const early = await deliver(textMessageUpdate({ chatId: PRIVATE_CHAT, text: "/news" }), SECRET);
    expect(early.status).toBe(503);
    await adapter.start(echoHandler(seen));
    const broken = await fetch(`${server.baseUrl}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: "{not json",
    });
    expect(broken.status).toBe(400);
    expect(seen).toEqual([]);
  });

  it("registers the webhook with its secret through setTelegramWebhook", async () => {
    const api = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } }).api;
    await setTelegramWebhook(api, telegram.token, "https://herald.example/telegram/webhook", SECRET);
    expect(telegram.webhookUrl).toBe("https://herald.example/telegram/webhook");
    await expect(setTelegramWebhook(api, telegram.token, "http://herald.example/hook", SECRET)).rejects.toThrow(
      /https/,
    );
  });
});

describe("createTelegramAdapter configuration errors", () => {
  it("names TELEGRAM_BOT_TOKEN when the token is missing or malformed, without echoing it", () => {
    expect(() => createTelegramAdapter({ token: undefined })).toThrow(/TELEGRAM_BOT_TOKEN/);
    expect(() => createTelegramAdapter({ token: "not-a-token/secret" })).toThrow(/TELEGRAM_BOT_TOKEN/);
    try {
      createTelegramAdapter({ token: "not-a-token/secret" });
    } catch (error) {
      expect((error as Error).message).not.toContain("not-a-token");
    }
  });

  it("names TELEGRAM_WEBHOOK_SECRET when webhook mode has no usable secret", () => {
    const token = "7000000001:AAHeraldFakeToken_abcdefghijklmnopqrs";
    expect(() => createTelegramAdapter({ token, mode: "webhook" })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => createTelegramAdapter({ token, mode: "webhook", webhookSecret: "has spaces!" })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET/,
    );
    expect(createTelegramAdapter({ token }).httpRoutes()).toEqual({});
  });
});

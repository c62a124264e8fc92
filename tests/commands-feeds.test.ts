import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandRequest } from "../src/chat/types.ts";
import { type LoopbackServer, sendText, startLoopbackServer } from "./fakes/http.ts";
import { type CommandHarness, commandHarness, replyText } from "./fixtures/commands/harness.ts";
import { fixture } from "./helpers/paths.ts";

/** A feed site on 127.0.0.1: serves the fixtures under tests/fixtures/feeds and records every request. */
interface FeedSite {
  server: LoopbackServer;
  requests: string[];
  url(path: string): string;
}

async function startFeedSite(): Promise<FeedSite> {
  const requests: string[] = [];
  const files: Record<string, [file: string, type: string]> = {
    "/ko-news.rss": ["ko-news.rss", "application/rss+xml; charset=utf-8"],
    "/status.atom": ["atom.xml", "application/atom+xml"],
    "/feed.json": ["feed.json", "application/feed+json"],
    "/page.html": ["not-a-feed.html", "text/html; charset=utf-8"],
    "/sitemap.xml": ["sitemap.xml", "application/xml"],
  };
  const server = await startLoopbackServer((req: IncomingMessage, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    requests.push(req.url ?? "/");
    if (path === "/to-metadata") {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" });
      res.end();
      return;
    }
    const entry = files[path];
    if (!entry) return sendText(res, 404, "not found");
    const body = readFileSync(fixture("feeds", entry[0]));
    res.writeHead(200, { "content-type": entry[1], "content-length": body.length });
    res.end(body);
  });
  return { server, requests, url: (path) => `${server.baseUrl}${path}` };
}

const admin = async () => true;

let h: CommandHarness;
let site: FeedSite;

function setUp(allowPrivateFeedUrls: boolean) {
  return async () => {
    h = await commandHarness({ allowPrivateFeedUrls });
    site = await startFeedSite();
    // Config-file feeds, mirrored into the store as the lead's syncConfigToStore does: "newsdao" posts to
    // channel 111 only, "wire" to channel 222 only, "shared" to both.
    const { store } = h;
    await store.upsertDestination({ id: "news-desk", type: "discord", config: { channelId: "111" } });
    await store.upsertDestination({ id: "wire-desk", type: "discord", config: { channelId: "222" } });
    await store.upsertFeed({
      id: "newsdao",
      type: "rss",
      config: { url: "https://newsdao.kr/feed", interval: 300000 },
      destinationIds: ["news-desk"],
    });
    await store.upsertFeed({
      id: "wire",
      type: "rss",
      config: { url: "https://wire.example/feed" },
      destinationIds: ["wire-desk"],
    });
    await store.upsertFeed({
      id: "shared",
      type: "directory",
      config: { path: "posts/" },
      destinationIds: ["news-desk", "wire-desk"],
    });
    h.bindChannel("discord", "111", "news-desk");
    h.bindChannel("discord", "222", "wire-desk");
  };
}

async function tearDown() {
  await site.server.close();
  h.cleanup();
}

type Extra = Partial<Pick<CommandRequest, "channelId" | "locale" | "isAdmin" | "platform" | "userId">>;
const feeds = (subcommand: string | null, options: Record<string, string> = {}, extra: Extra = {}) =>
  h.run({ command: "feeds", subcommand, options, isAdmin: admin, ...extra });
const add = (url: string, extra: Extra = {}) => feeds("add", { url }, extra);
const feedIds = async () => (await h.store.listFeeds()).map((feed) => feed.id);
const CONFIG_FEEDS = ["newsdao", "shared", "wire"];

describe("/feeds: admins only", () => {
  beforeEach(setUp(true));
  afterEach(tearDown);

  it("refuses /feeds add to a non-admin: nothing fetched, nothing stored, nothing scheduled", async () => {
    const reply = await feeds("add", { url: site.url("/ko-news.rss") }, { isAdmin: async () => false });
    expect(reply.ephemeral).toBe(true);
    expect(replyText(reply)).toBe("Only server admins can manage feeds.");
    expect(h.adminChecks()).toBe(1);
    expect(site.requests).toEqual([]);
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
    expect((await h.store.listDestinations()).map((d) => d.id)).toEqual(["news-desk", "wire-desk"]);
    expect(h.feedsChanged()).toBe(0);
  });

  it("refuses every /feeds subcommand to a non-admin, in Korean for a Korean user", async () => {
    for (const subcommand of ["list", "remove", "pause", "resume", null]) {
      const reply = await feeds(subcommand, { id: "newsdao" }, { isAdmin: async () => false, locale: "ko" });
      expect(replyText(reply)).toBe("피드 관리는 관리자만 할 수 있습니다.");
    }
    expect((await h.store.getFeed("newsdao"))?.paused).toBe(false);
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
  });

  it("answers a failing admin check with a generic apology, not a crash", async () => {
    const reply = await feeds(
      "list",
      {},
      {
        isAdmin: async () => {
          throw new Error("Discord API 503");
        },
      },
    );
    expect(replyText(reply)).toBe("Something went wrong while running that command. Please try again in a moment.");
    expect(h.logged.map((entry) => entry.message)).toEqual(["command failed"]);
  });

  it("shows the feed commands for a missing or unknown subcommand", async () => {
    const text = replyText(await feeds("delete"));
    expect(text.split("\n")[0]).toBe("There is no /feeds delete command.");
    for (const syntax of [
      "/feeds list",
      "/feeds add <url>",
      "/feeds remove <id>",
      "/feeds pause <id>",
      "/feeds resume <id>",
    ]) {
      expect(text).toContain(syntax);
    }
    expect(replyText(await feeds("help")).split("\n")[0]).toBe("Feed commands (server admins only):");
  });
});

describe("/feeds add", () => {
  beforeEach(setUp(true));
  afterEach(tearDown);

  it("stores a local RSS feed for this channel, says its id and title, and reschedules polling", async () => {
    const url = site.url("/ko-news.rss");
    const reply = await add(url, { userId: "admin-7" });
    const added = (await h.store.listFeeds()).find((feed) => !CONFIG_FEEDS.includes(feed.id));
    if (!added) throw new Error("no feed was stored");
    expect(added.id).toMatch(/^127-0-0-1-[0-9a-f]{4}$/); // the title is Korean, so the host names it
    expect(added.type).toBe("rss");
    expect(added.config).toEqual({
      url,
      interval: 300000,
      addedBy: "admin-7",
      backfill: 0,
      name: "헤럴드 속보 & 분석",
    });
    expect(added.destinationIds).toEqual(["discord-111"]);
    expect(added.firstRunDoneAt).toBeNull();
    expect(h.feedsChanged()).toBe(1);
    expect(site.requests).toEqual(["/ko-news.rss"]);
    expect(replyText(reply)).toBe(
      `Added feed ${added.id}: 헤럴드 속보 & 분석.\n` +
        "New items will be posted from now on; the 3 items already in the feed are recorded without posting.",
    );
  });

  it("names a feed after its title when the title is Latin, and lists it for this channel only", async () => {
    await add(site.url("/status.atom"));
    const id = (await feedIds()).find((feed) => !CONFIG_FEEDS.includes(feed)) ?? "";
    expect(id).toMatch(/^example-status-[0-9a-f]{4}$/);
    expect(replyText(await feeds("list"))).toContain(`${id} (rss) ${site.url("/status.atom")}`);
    expect(replyText(await feeds("list", {}, { channelId: "222" }))).not.toContain(id);
  });

  it("does not add the same URL twice to a channel, but another channel may add it", async () => {
    const url = site.url("/feed.json");
    await add(url);
    const [id] = (await feedIds()).filter((feed) => !CONFIG_FEEDS.includes(feed));
    const again = await add(`${url}#latest`);
    expect(replyText(again)).toBe(`${url}#latest is already a feed of this channel: ${id}.`);
    expect(site.requests).toHaveLength(1);
    expect(h.feedsChanged()).toBe(1);
    await add(url, { channelId: "222" });
    expect(await feedIds()).toHaveLength(CONFIG_FEEDS.length + 2);
    expect(await h.store.listFeeds({ destinationId: "discord-222" })).toHaveLength(1);
  });

  it("answers in Korean for a Korean admin", async () => {
    const reply = await add(site.url("/ko-news.rss"), { locale: "ko-KR" });
    const id = (await feedIds()).find((feed) => !CONFIG_FEEDS.includes(feed));
    expect(replyText(reply)).toBe(
      `${id} 피드를 추가했습니다: 헤럴드 속보 & 분석.\n지금부터 올라오는 새 글을 게시합니다. 피드에 이미 있는 글 3개는 게시하지 않고 기록만 합니다.`,
    );
  });

  it.each([
    ["an HTML page", "/page.html", "not a feed (looks like an HTML page)"],
    ["a sitemap", "/sitemap.xml", "not a feed (XML root <urlset> is a sitemap)"],
  ])("refuses %s with the parser's reason and stores nothing", async (_what, path, reason) => {
    const url = site.url(path);
    const reply = await add(url);
    expect(replyText(reply)).toBe(`${url} is not a feed Herald can read: ${reason}.`);
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
    expect(h.feedsChanged()).toBe(0);
  });

  it("says why a feed could not be fetched (HTTP 404)", async () => {
    const url = site.url("/gone.rss");
    expect(replyText(await add(url))).toBe(`Couldn't fetch ${url}: HTTP 404 (the feed is gone; check its URL).`);
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
  });

  it("says when the host name does not exist (.invalid never resolves)", async () => {
    expect(replyText(await add("http://feed.invalid/rss"))).toBe(
      "Couldn't add http://feed.invalid/rss: the host name feed.invalid could not be looked up.",
    );
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
  });

  it("keeps a feed URL's query string, so the feed is polled at the address the admin gave", async () => {
    const url = site.url("/ko-news.rss?section=it");
    await add(url);
    const added = (await h.store.listFeeds()).find((f) => !CONFIG_FEEDS.includes(f.id));
    expect(added?.config.url).toBe(url);
    expect(h.feedsChanged()).toBe(1);
  });

  it("refuses a redirect to the cloud metadata address even when private addresses are allowed", async () => {
    const url = site.url("/to-metadata");
    const reply = await add(url);
    expect(replyText(reply)).toBe(
      `Herald won't fetch ${url}: it redirects to http://169.254.169.254/latest/meta-data, and 169.254.169.254 is a link-local address (where cloud metadata services live).`,
    );
    expect(site.requests).toEqual(["/to-metadata"]);
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
  });

  it("refuses the metadata address itself even when private addresses are allowed", async () => {
    const reply = await add("http://169.254.169.254/latest/meta-data");
    expect(replyText(reply)).toBe(
      "Herald won't fetch http://169.254.169.254/latest/meta-data: 169.254.169.254 is a link-local address (where cloud metadata services live).",
    );
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
  });

  it("asks for an address when none is given, and refuses absurdly long ones", async () => {
    expect(replyText(await feeds("add"))).toBe("Give the feed's address, e.g. /feeds add https://example.com/feed.xml");
    const long = `https://example.com/${"a".repeat(2100)}`;
    expect(replyText(await add(long))).toBe(
      `That address is ${long.length} characters long; feed addresses can be at most 2048 characters.`,
    );
  });

  it("still reports the feed as added when the scheduler hook fails, and logs the failure", async () => {
    h.services.onFeedsChanged = async () => {
      throw new Error("redis down");
    };
    const reply = await add(site.url("/status.atom"));
    expect(replyText(reply)).toMatch(/^Added feed example-status-[0-9a-f]{4}: Example Status\./);
    expect(h.logged).toMatchObject([{ level: "error", message: "onFeedsChanged failed after a /feeds command" }]);
  });
});

describe("/feeds add limits", () => {
  beforeEach(setUp(true));
  afterEach(tearDown);

  it("refuses a feed past limits.feedsPerChannel before fetching anything, saying so in the admin's language", async () => {
    h.services.limits = { feedsPerChannel: 2, feeds: 500 };
    // Channel 111 already gets "newsdao" and "shared" from the config.
    const reply = await add(site.url("/ko-news.rss"));
    expect(replyText(reply)).toBe(
      "This channel already has 2 feeds, the most Herald allows per channel (2). Remove one with /feeds remove <id> before adding another.",
    );
    expect(replyText(await add(site.url("/ko-news.rss"), { locale: "ko" }))).toMatch(
      /^이 채널에는 이미 피드가 2개 있어 채널당 최대 개수\(2개\)/,
    );
    expect(site.requests).toEqual([]);
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
    // A channel with room still can.
    expect(replyText(await add(site.url("/ko-news.rss"), { channelId: "333" }))).toMatch(/^Added feed /);
  });

  it("refuses a feed past limits.feeds, counting config feeds too", async () => {
    h.services.limits = { feedsPerChannel: 20, feeds: 4 };
    expect(replyText(await add(site.url("/ko-news.rss")))).toMatch(/^Added feed /);
    const reply = await add(site.url("/status.atom"), { channelId: "222" });
    expect(replyText(reply)).toBe(
      "Herald already checks 4 feeds, as many as it is allowed to (4), so it can't add more. Ask the Herald operator.",
    );
    expect(replyText(await add(site.url("/status.atom"), { channelId: "222", locale: "ko" }))).toMatch(
      /^Herald가 이미 피드 4개를 확인하고 있어/,
    );
    expect(await h.store.listFeeds()).toHaveLength(4);
    expect(site.requests).toEqual(["/ko-news.rss"]);
  });

  it("defaults to 20 feeds per channel", async () => {
    for (let i = 0; i < 18; i++) {
      await h.store.upsertFeed({
        id: `extra-${i}`,
        type: "rss",
        config: { url: `https://x.example/${i}` },
        destinationIds: ["news-desk"],
      });
    }
    expect(replyText(await add(site.url("/ko-news.rss")))).toMatch(/^This channel already has 20 feeds/);
  });
});

describe("/feeds add with private feed URLs not allowed", () => {
  beforeEach(setUp(false));
  afterEach(tearDown);

  const port = () => site.server.port;
  const refused: [string, () => string, RegExp][] = [
    ["loopback", () => `http://127.0.0.1:${port()}/ko-news.rss`, /127\.0\.0\.1 is a loopback address/],
    [
      "localhost",
      () => `http://localhost:${port()}/ko-news.rss`,
      /localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
    ],
    ["IPv6 loopback", () => `http://[::1]:${port()}/`, /::1 is a loopback address/],
    ["decimal loopback", () => `http://2130706433:${port()}/ko-news.rss`, /127\.0\.0\.1 is a loopback address/],
    ["IPv4-mapped loopback", () => `http://[::ffff:127.0.0.1]:${port()}/ko-news.rss`, /is a loopback address/],
    ["metadata", () => "http://169.254.169.254/latest/meta-data", /169\.254\.169\.254 is a link-local address/],
    ["private", () => "http://10.0.0.1/", /10\.0\.0\.1 is a private address/],
    ["ftp", () => "ftp://x", /only http and https URLs can be fetched, not ftp:/],
    ["credentials", () => `http://user:pw@127.0.0.1:${port()}/`, /remove the credentials/],
    ["not a URL", () => "example.com/feed", /not a valid absolute URL/],
  ];

  it.each(refused)("refuses a %s URL: nothing requested, stored or scheduled", async (_what, url, reason) => {
    const reply = await add(url());
    expect(replyText(reply)).toMatch(/^Herald won't fetch .+: .+\.$/);
    expect(replyText(reply)).toMatch(reason);
    expect(replyText(reply)).not.toContain("pw@");
    expect(site.requests).toEqual([]);
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
    expect((await h.store.listDestinations()).map((d) => d.id)).toEqual(["news-desk", "wire-desk"]);
    expect(h.feedsChanged()).toBe(0);
  });

  it("refuses in Korean for a Korean admin", async () => {
    const reply = await add("http://10.0.0.1/rss", { locale: "ko" });
    expect(replyText(reply)).toBe("http://10.0.0.1/rss 주소는 가져올 수 없습니다: 10.0.0.1 is a private address.");
  });
});

describe("/feeds list", () => {
  beforeEach(setUp(true));
  afterEach(tearDown);

  it("shows each feed of this channel with its address, state, origin, last check and last error", async () => {
    await h.store.recordFeedError("newsdao", "https://newsdao.kr/feed: HTTP 503");
    await h.store.setFeedPaused("newsdao", true);
    const text = replyText(await feeds("list"));
    expect(text).toContain("- newsdao (rss) https://newsdao.kr/feed\npaused · from the config file · last checked ");
    expect(text).toContain("\nlast error: https://newsdao.kr/feed: HTTP 503");
    expect(text).toContain("- shared (directory) posts/\nactive · from the config file · not checked yet");
    expect(text).not.toContain("wire");
  });

  it("never shows a secret an endpoint echoed into a flag reason or a feed error, nor its control characters", async () => {
    await h.store.recordFeedError(
      "newsdao",
      "https://newsdao.kr/feed?token=feedsecret123: HTTP 403 \u001b[31mdenied\u202e",
    );
    await h.store.upsertDestination({ id: "hook-desk", type: "discord-webhook", config: { url: "[redacted]" } });
    await h.store.flagDestination(
      "hook-desk",
      "Unknown Webhook: POST /api/webhooks/123456789012345678/hooksecretXYZ was refused",
    );
    h.bindChannel("discord", "111", "hook-desk");
    const text = replyText(await feeds("list"));
    expect(text).toContain(
      "Herald can't post here: Unknown Webhook: POST /api/webhooks/123456789012345678/[redacted] was refused",
    );
    expect(text).toContain("last error: https://newsdao.kr/feed?token=[redacted] HTTP 403 [31mdenied");
    expect(text).not.toMatch(/feedsecret123|hooksecretXYZ|[\u001b\u202e]/);
  });

  it("shows why Herald can't post to this channel, even when it has no feeds", async () => {
    await h.store.upsertDestination({ id: "lost-desk", type: "discord", config: { channelId: "555" } });
    await h.store.flagDestination(
      "lost-desk",
      "Missing Permissions (50013): Herald needs Send Messages and Attach Files",
    );
    h.bindChannel("discord", "555", "lost-desk");
    const text = replyText(await feeds("list", {}, { channelId: "555" }));
    expect(text).toBe(
      "Herald can't post here: Missing Permissions (50013): Herald needs Send Messages and Attach Files\n" +
        "No feeds post to this channel yet. Add one with /feeds add <url>.",
    );
    await h.store.flagDestination("news-desk", "Unknown Channel (10003)");
    const korean = replyText(await feeds("list", {}, { locale: "ko" }));
    expect(korean.split("\n")[0]).toBe("Herald가 이 채널에 게시할 수 없습니다: Unknown Channel (10003)");
    expect(korean).toContain("이 채널에 게시되는 피드:");
  });

  it("marks feeds added from chat", async () => {
    await add(site.url("/status.atom"));
    expect(replyText(await feeds("list"))).toMatch(
      /- example-status-[0-9a-f]{4} \(rss\) http:\/\/127\.0\.0\.1:\d+\/status\.atom\nactive · added from chat · not checked yet/,
    );
  });
});

describe("/feeds pause, resume and remove", () => {
  beforeEach(setUp(true));
  afterEach(tearDown);

  it("pauses and resumes a config feed of this channel, and tells the scheduler", async () => {
    expect(replyText(await feeds("pause", { id: "newsdao" }))).toBe(
      "Paused feed newsdao. Nothing new from it is posted until /feeds resume newsdao.",
    );
    expect((await h.store.getFeed("newsdao"))?.paused).toBe(true);
    expect(h.feedsChanged()).toBe(1);
    expect(replyText(await feeds("pause", { id: "newsdao" }))).toBe("Feed newsdao is already paused.");
    expect(h.feedsChanged()).toBe(1);
    expect(replyText(await feeds("resume", { id: "newsdao" }, { locale: "ko" }))).toBe(
      "newsdao 피드를 재개했습니다. 새 글을 다시 게시합니다.",
    );
    expect((await h.store.getFeed("newsdao"))?.paused).toBe(false);
    expect(h.feedsChanged()).toBe(2);
    expect(replyText(await feeds("resume", { id: "newsdao" }))).toBe("Feed newsdao is not paused.");
  });

  it("answers another channel's feed id as if it did not exist, and changes nothing", async () => {
    for (const subcommand of ["pause", "resume", "remove"]) {
      const reply = await feeds(subcommand, { id: "wire" });
      expect(replyText(reply)).toBe("No feed wire in this channel. /feeds list shows the feeds here.");
    }
    expect(replyText(await feeds("pause", { id: "does-not-exist" }))).toBe(
      "No feed does-not-exist in this channel. /feeds list shows the feeds here.",
    );
    expect((await h.store.getFeed("wire"))?.paused).toBe(false);
    expect(await feedIds()).toEqual(CONFIG_FEEDS);
    expect(h.feedsChanged()).toBe(0);
  });

  it("won't pause a feed that also posts to other channels", async () => {
    const reply = await feeds("pause", { id: "shared" });
    expect(replyText(reply)).toMatch(
      /^Feed shared also posts to other channels, so it can't be paused or resumed from here\./,
    );
    expect((await h.store.getFeed("shared"))?.paused).toBe(false);
  });

  it("won't remove a config feed: it belongs to the config file", async () => {
    expect(replyText(await feeds("remove", { id: "newsdao" }))).toBe(
      "Feed newsdao is defined in the config file; remove it there.",
    );
    expect(replyText(await feeds("remove", { id: "newsdao" }, { locale: "ko" }))).toBe(
      "newsdao 피드는 설정 파일에 정의되어 있습니다. 설정 파일에서 삭제하세요.",
    );
    expect(await h.store.getFeed("newsdao")).not.toBeNull();
  });

  it("removes a feed added from chat, only from its own channel", async () => {
    await add(site.url("/status.atom"));
    const id = (await feedIds()).find((feed) => !CONFIG_FEEDS.includes(feed)) ?? "";
    expect(replyText(await feeds("remove", { id }, { channelId: "222" }))).toBe(
      `No feed ${id} in this channel. /feeds list shows the feeds here.`,
    );
    expect(await h.store.getFeed(id)).not.toBeNull();
    expect(replyText(await feeds("remove", { id: id.toUpperCase() }))).toBe(
      `Removed feed ${id}. Herald no longer checks it for this channel.`,
    );
    expect(await h.store.getFeed(id)).toBeNull();
    expect(h.feedsChanged()).toBe(2);
  });

  it("asks for a feed id when none is given", async () => {
    expect(replyText(await feeds("pause"))).toBe("Give a feed id, e.g. /feeds pause <id>. /feeds list shows the ids.");
  });
});

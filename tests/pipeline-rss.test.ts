import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../jobs/log.ts";
import { startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { startLoopbackServer } from "./fakes/http.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { lineSink } from "./helpers/log.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";

interface Item {
  id: string;
  title: string;
  date: string;
}

const rss = (items: Item[]) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>한국 속보</title><link>https://news.example.kr/</link><language>ko</language>
${items.map((i) => `<item><title>${i.title}</title><link>https://news.example.kr/${i.id}</link><guid>${i.id}</guid><pubDate>${new Date(i.date).toUTCString()}</pubDate><description>&lt;p&gt;${i.title} 본문&lt;/p&gt;</description></item>`).join("\n")}
</channel></rss>`;

const atom = (items: Item[]) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Status</title><id>urn:status</id><updated>2026-10-01T00:00:00Z</updated>
${items.map((i) => `<entry><title>${i.title}</title><id>urn:${i.id}</id><link href="https://status.example.org/${i.id}"/><updated>${i.date}</updated><content type="html">&lt;p&gt;${i.title}&lt;/p&gt;</content></entry>`).join("\n")}
</feed>`;

const jsonFeed = (items: Item[]) =>
  JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: "JSON news",
    items: items.map((i) => ({
      id: i.id,
      title: i.title,
      url: `https://json.example.org/${i.id}`,
      date_published: i.date,
      content_html: `<p>${i.title}</p>`,
    })),
  });

/** A feed server that answers conditional GETs properly and counts what it was asked. */
async function feedServer(render: (items: Item[]) => string, contentType: string, items: Item[]) {
  const seen: { ifNoneMatch: string | undefined; status: number }[] = [];
  let body: string | null = null;
  const server = await startLoopbackServer((req, res) => {
    const current = body ?? render(items);
    const etag = `"${createHash("sha1").update(current).digest("hex")}"`;
    const ifNoneMatch = req.headers["if-none-match"];
    const status = ifNoneMatch === etag ? 304 : 200;
    seen.push({ ifNoneMatch, status });
    res.writeHead(status, { etag, "content-type": contentType });
    res.end(status === 200 ? current : undefined);
  });
  return {
    url: `${server.baseUrl}/feed`,
    seen,
    items,
    breakWith(text: string) {
      body = text;
    },
    close: () => server.close(),
  };
}

describe("RSS, Atom and JSON Feed polling (BullMQ job schedulers, conditional GET)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("records existing items on the first poll, then posts only new items, using ETag for unchanged polls", async () => {
    const discord = await DiscordFake.start();
    const feed = await feedServer(rss, "application/rss+xml; charset=utf-8", [
      { id: "a1", title: "첫 번째 기사", date: "2026-10-01T00:00:00Z" },
      { id: "a2", title: "두 번째 기사", date: "2026-10-02T00:00:00Z" },
    ]);
    cleanups.push(
      () => discord.close(),
      () => feed.close(),
    );
    const t = testConfig({
      cards: { enabled: false },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [{ id: "korea", type: "rss", url: feed.url, interval: "1s", destinations: ["d"] }],
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));

    // The first poll can outlast the 1 s interval (its parse starts a worker thread), so a second may overlap it before there is an ETag.
    await waitFor(() => feed.seen.length >= 2 && feed.seen.at(-1)?.status === 304, 15_000, "an unchanged poll");
    expect(discord.messages).toHaveLength(0);
    expect(feed.seen.at(-1)).toMatchObject({ status: 304 });
    expect(feed.seen.at(-1)?.ifNoneMatch).toMatch(/^"/);

    feed.items.push({ id: "a3", title: "세 번째 기사: 장애 발생", date: "2026-10-03T00:00:00Z" });
    const [message] = await discord.waitForMessages(1, 15_000);
    expect(message?.body.embeds[0].title).toBe("세 번째 기사: 장애 발생");
    expect(message?.body.embeds[0].url).toBe("https://news.example.kr/a3");
    // A poll asked after the post went out still lists a3: once it and all it queued are done, a3 was not posted again.
    const pollsBefore = feed.seen.length;
    await waitFor(() => feed.seen.length > pollsBefore, 15_000, "a poll after the post");
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages).toHaveLength(1);
    expect((await service.runtime.store.getFeed("korea"))?.lastError).toBeNull();
  });

  it("posts the newest N on a first run with backfill, for Atom and JSON Feed alike", async () => {
    const discord = await DiscordFake.start();
    const items = (prefix: string): Item[] => [
      { id: `${prefix}1`, title: `${prefix} old`, date: "2026-09-01T00:00:00Z" },
      { id: `${prefix}2`, title: `${prefix} newest`, date: "2026-10-05T00:00:00Z" },
      { id: `${prefix}3`, title: `${prefix} middle`, date: "2026-10-01T00:00:00Z" },
    ];
    const atomFeed = await feedServer(atom, "application/atom+xml", items("atom"));
    const json = await feedServer(jsonFeed, "application/feed+json", items("json"));
    cleanups.push(
      () => discord.close(),
      () => atomFeed.close(),
      () => json.close(),
    );
    const t = testConfig({
      cards: { enabled: false },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [
        { id: "atom", type: "rss", url: atomFeed.url, interval: "1h", backfill: 1, destinations: ["d"] },
        { id: "json", type: "rss", url: json.url, interval: "1h", backfill: 1, destinations: ["d"] },
      ],
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    const messages = await discord.waitForMessages(2, 15_000);
    expect(messages.map((m) => m.body.embeds[0].title).sort()).toEqual(["atom newest", "json newest"]);
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages).toHaveLength(2);
  });

  it("posts only the newest 20 of 50 new items in one poll, marks the rest seen, and logs how many were held back", async () => {
    const discord = await DiscordFake.start();
    const feed = await feedServer(rss, "application/rss+xml; charset=utf-8", [
      { id: "old", title: "이미 있던 기사", date: "2026-09-01T00:00:00Z" },
    ]);
    cleanups.push(
      () => discord.close(),
      () => feed.close(),
    );
    const lines: string[] = [];
    const sink = lineSink((line) => lines.push(line));
    const t = testConfig({
      cards: { enabled: false },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [{ id: "flood", type: "rss", url: feed.url, interval: "1s", destinations: ["d"] }],
    });
    cleanups.push(t.cleanup);
    expect(t.config.limits.itemsPerPoll).toBe(20);
    const service = await startService(t.config, { log: createLogger("info", sink) });
    cleanups.push(() => service.stop(5000));
    await waitFor(
      async () => feed.seen.length >= 1 && (await service.runtime.store.getFeed("flood"))?.firstRunDoneAt,
      15_000,
      "the first poll",
    );

    for (let n = 1; n <= 50; n++) {
      feed.items.push({ id: `n${n}`, title: `새 기사 ${n}`, date: new Date(Date.UTC(2026, 9, 1, 0, n)).toISOString() });
    }
    const messages = await discord.waitForMessages(20, 30_000);
    const pollsAfter = feed.seen.length;
    await waitFor(() => feed.seen.length >= pollsAfter + 2, 15_000, "two more polls");
    await waitForServiceDrained(service, { fakes: [discord] });
    expect(discord.messages).toHaveLength(20);
    const titles = messages.map((m) => m.body.embeds[0].title).sort();
    expect(titles).toEqual(Array.from({ length: 20 }, (_, i) => `새 기사 ${i + 31}`).sort());
    const held = lines.map((line) => JSON.parse(line)).find((line) => line.heldBack !== undefined);
    expect(held).toMatchObject({ feedId: "flood", items: 51, queued: 20, heldBack: 30, itemsPerPoll: 20 });
    expect(held.msg).toBe("feed polled; 30 new items held back (limits.itemsPerPoll is 20)");
  });

  it("records a feed that turns into broken XML and keeps polling the other feeds", async () => {
    const discord = await DiscordFake.start();
    const broken = await feedServer(rss, "application/rss+xml", [
      { id: "b1", title: "b", date: "2026-10-01T00:00:00Z" },
    ]);
    const healthy = await feedServer(rss, "application/rss+xml", [
      { id: "h1", title: "h", date: "2026-10-01T00:00:00Z" },
    ]);
    broken.breakWith("<html><body>502 Bad Gateway</body></html>");
    cleanups.push(
      () => discord.close(),
      () => broken.close(),
      () => healthy.close(),
    );
    const t = testConfig({
      cards: { enabled: false },
      destinations: [{ id: "d", type: "discord-webhook", url: discord.webhookUrl() }],
      feeds: [
        { id: "broken", type: "rss", url: broken.url, interval: "1s", destinations: ["d"] },
        { id: "healthy", type: "rss", url: healthy.url, interval: "1s", destinations: ["d"] },
      ],
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    const error = await waitFor(
      async () => (await service.runtime.store.getFeed("broken"))?.lastError,
      15_000,
      "feed error",
    );
    expect(error).toMatch(/^broken \(http:\/\/127\.0\.0\.1:\d+\/feed\): not a feed \(looks like an HTML page\)/);
    await waitFor(async () => await service.runtime.store.isFirstRunDone("healthy"), 15_000, "healthy first run");
    healthy.items.push({ id: "h2", title: "still flowing", date: "2026-10-02T00:00:00Z" });
    const [message] = await discord.waitForMessages(1, 15_000);
    expect(message?.body.embeds[0].title).toBe("still flowing");
  });
});

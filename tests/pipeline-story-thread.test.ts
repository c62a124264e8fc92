/**
 * Story mode end to end with a poster that can do all of it (post, edit, reply, crosspost, delete):
 * Story Chat (tests/fixtures/story-chat/), registered through the registry and served by its strict
 * fake, through the real service (HTTP ingest → Redis → SQLite → deliver). What the issue asks of
 * every platform once its adapter can reply, proven here on the pipeline's side.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerPlatform, unregisterPlatform } from "../adapters/registry.ts";
import { parseConfig } from "../config/load.ts";
import { createLogger } from "../jobs/log.ts";
import { type Service, startService } from "../jobs/service.ts";
import { StoryChatFake } from "./fakes/story-chat/server.ts";
import { storyChatPlatform } from "./fixtures/story-chat/platform.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { lineSink } from "./helpers/log.ts";
import { testConfig, waitFor } from "./helpers/pipeline.ts";
import { ingestStory, STORY_ROWS, storyPost } from "./helpers/story-posts.ts";

const INGEST = "story-thread-ingest";
const TOKEN = "story-chat-token-1";

describe("story mode with a poster that can reply (Story Chat, real Redis, SQLite, Chromium)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(() => registerPlatform(storyChatPlatform));
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    unregisterPlatform(storyChatPlatform.id);
  });

  /** The service with `destinations` (YAML flow maps) on one webhook feed, as `herald start` reads a config file. */
  async function setup(destinations: string[], options: { coalesce?: string; crosspostsPerHour?: number } = {}) {
    const fake = await StoryChatFake.start({ token: TOKEN, ...options });
    cleanups.push(() => fake.close());
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const ids = destinations.map((d) => /id: ([\w-]+)/.exec(d)?.[1]);
    const yaml = `redis: { url: "${t.config.redis.url}", prefix: "${t.config.redis.prefix}" }
database: { path: "${t.config.database.path}" }
http: { host: 127.0.0.1, port: 0 }
log: { level: silent }
story: { token: ${TOKEN}, apiUrl: "${fake.apiUrl}" }
ingest: { token: ${INGEST} }
delivery: { attempts: 4, backoff: 200ms, timeout: 5s, lockDuration: 5s, coalesce: ${options.coalesce ?? "0s"} }
destinations:
${destinations.map((d) => `  - ${d}`).join("\n")}
feeds:
  - { id: wire, type: webhook, baseUrl: "https://news.example.kr", destinations: [${ids.join(", ")}] }
`;
    const lines: { msg: string; [key: string]: unknown }[] = [];
    const log = createLogger(
      "info",
      lineSink((line) => lines.push(JSON.parse(line))),
    );
    const service = await startService(parseConfig(yaml, "story.yaml", {}), { log });
    cleanups.push(() => service.stop(5000));
    return { fake, service, lines };
  }

  const ingest = (service: Service, body: string) => ingestStory(service, INGEST, body);

  const deliveredAt = async (service: Service, articleId: string, version: number, destinationId: string) =>
    await waitFor(
      async () =>
        (await service.runtime.store.getDelivery(articleId, version, destinationId))?.state === "delivered" || null,
      60_000,
      `v${version} delivered to ${destinationId}`,
    );

  it("posts the seed once (breaking: the mention, crossposted), edits it per version and threads exactly the new rows, in order", async () => {
    const { fake, service } = await setup([
      '{ id: desk, type: story, room: desk, mention: { breaking: "@news-team" }, crosspost: breaking }',
    ]);
    const id = await ingest(service, storyPost({ rows: 3 }));
    await deliveredAt(service, id, 1, "desk");
    const [seed] = fake.posts("desk");
    expect(fake.posts("desk")).toHaveLength(1);
    expect(seed?.text.split("\n")[0]).toBe("@news-team");
    expect(seed?.silent).toBe(false);
    expect(seed?.crossposted).toBe(true);

    await ingest(service, storyPost({ rows: 4 }));
    await deliveredAt(service, id, 2, "desk");
    await waitForServiceDrained(service);
    expect(fake.posts("desk")).toHaveLength(1);
    expect(seed?.versions).toHaveLength(2);
    expect(seed?.text).toMatch(/^\[속보\] .*\n\d{2}:\d{2} 업데이트\n/);
    expect(seed?.text).toContain(STORY_ROWS[3]?.[1]);
    // The edit is no new post: it carries no mention.
    expect(seed?.text).not.toContain("@news-team");
    const [reply] = fake.repliesTo(seed?.id ?? "");
    expect(fake.repliesTo(seed?.id ?? "")).toHaveLength(1);
    expect(reply?.text).toContain(`${STORY_ROWS[3]?.[0]} — ${STORY_ROWS[3]?.[1]}`);
    expect(reply?.text).not.toContain(STORY_ROWS[2]?.[1]);
    // Thread updates are minor, silent by default.
    expect(reply?.silent).toBe(true);

    await ingest(service, storyPost({ rows: 5 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await ingest(service, storyPost({ rows: 6 }));
    await deliveredAt(service, id, 4, "desk");
    await waitForServiceDrained(service);
    expect(fake.posts("desk")).toHaveLength(1);
    expect(seed?.text).toContain(STORY_ROWS[5]?.[1]);
    const named = fake
      .repliesTo(seed?.id ?? "")
      .flatMap((r) => STORY_ROWS.flatMap(([, event], i) => (r.text.includes(event) ? [i] : [])));
    // Every new row exactly once, in the timeline's order: nothing applied out of order.
    expect(named).toEqual([3, 4, 5]);
    expect(fake.requests.filter((r) => r.path.endsWith("/crosspost"))).toHaveLength(1);
  }, 120_000);

  it("a second version arriving while the first post is being sent edits that post, never posts again", async () => {
    const { fake, service } = await setup(["{ id: desk, type: story, room: desk }"]);
    fake.delayNext(1500, /\/rooms\/desk\/messages$/);
    const id = await ingest(service, storyPost({ rows: 3 }));
    await waitFor(
      async () => (await service.runtime.store.getDelivery(id, 1, "desk"))?.state === "sending" || null,
      20_000,
      "the first post in flight",
    );
    await ingest(service, storyPost({ rows: 4 }));
    await deliveredAt(service, id, 2, "desk");
    await waitForServiceDrained(service);
    const [post] = fake.posts("desk");
    expect(fake.posts("desk")).toHaveLength(1);
    expect(post?.versions).toHaveLength(2);
    expect(post?.text).toContain(STORY_ROWS[3]?.[1]);
    expect(fake.repliesTo(post?.id ?? "").map((r) => r.text)).toEqual([
      expect.stringContaining(STORY_ROWS[3]?.[1] ?? ""),
    ]);
  }, 60_000);

  it("never repeats an edit or a reply that went through when the step after it failed", async () => {
    const { fake, service } = await setup(["{ id: desk, type: story, room: desk }"]);
    const id = await ingest(service, storyPost({ rows: 3 }));
    await deliveredAt(service, id, 1, "desk");
    // The reply fails once after the edit went through: the retry replies without editing again.
    fake.failNext(500, /\/replies$/);
    await ingest(service, storyPost({ rows: 4 }));
    await deliveredAt(service, id, 2, "desk");
    await waitForServiceDrained(service);
    const [post] = fake.posts("desk");
    expect(post?.versions).toHaveLength(2);
    expect(fake.repliesTo(post?.id ?? "")).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.endsWith("/replies")).map((r) => r.status)).toEqual([500, 200]);
    const attempts = await service.runtime.store.listAttempts(id);
    expect(attempts.filter((a) => a.version === 2).map((a) => a.outcome)).toEqual(["retrying", "delivered"]);
  }, 60_000);

  it("follows each destination's updates mode: edit only, thread only, or a new post", async () => {
    const { fake, service } = await setup([
      "{ id: edits, type: story, room: edits, updates: edit }",
      "{ id: threads, type: story, room: threads, updates: thread }",
      '{ id: posts, type: story, room: posts, updates: post, mention: { normal: "@desk" }, silent: [] }',
    ]);
    const title = "하늘클라우드 결제 API 점검";
    const id = await ingest(service, storyPost({ rows: 3, title }));
    for (const room of ["edits", "threads", "posts"]) await deliveredAt(service, id, 1, room);
    await ingest(service, storyPost({ rows: 4, title }));
    for (const room of ["edits", "threads", "posts"]) await deliveredAt(service, id, 2, room);
    await waitForServiceDrained(service);

    const [edited] = fake.posts("edits");
    expect([fake.posts("edits").length, edited?.versions.length, fake.repliesTo(edited?.id ?? "").length]).toEqual([
      1, 2, 0,
    ]);
    const [threaded] = fake.posts("threads");
    expect([fake.posts("threads").length, threaded?.versions.length]).toEqual([1, 1]);
    expect(fake.repliesTo(threaded?.id ?? "").map((r) => r.text)).toEqual([
      expect.stringContaining(`${STORY_ROWS[3]?.[0]} — ${STORY_ROWS[3]?.[1]}`),
    ]);
    // A normal post carries the normal mention and, with silent: [], a notification.
    const posted = fake.posts("posts");
    expect(posted.map((m) => [m.text.split("\n")[0], m.silent])).toEqual([
      ["@desk", false],
      ["@desk", false],
    ]);
    expect(posted[1]?.text).toContain(STORY_ROWS[3]?.[1]);
  }, 120_000);

  it("coalesces versions within the window into one edit and one reply listing every new row", async () => {
    const { fake, service } = await setup(["{ id: desk, type: story, room: desk }"], { coalesce: "2s" });
    const id = await ingest(service, storyPost({ rows: 3 }));
    await deliveredAt(service, id, 1, "desk");
    for (const rows of [4, 5, 6]) await ingest(service, storyPost({ rows }));
    for (const version of [2, 3, 4]) await deliveredAt(service, id, version, "desk");
    await waitForServiceDrained(service);
    const [post] = fake.posts("desk");
    expect(post?.versions).toHaveLength(2);
    expect(post?.text).toContain(STORY_ROWS[5]?.[1]);
    const replies = fake.repliesTo(post?.id ?? "");
    expect(replies).toHaveLength(1);
    for (const [time, event] of STORY_ROWS.slice(3)) expect(replies[0]?.text).toContain(`${time} — ${event}`);
    // The versions the burst passed over are recorded in the message that shows them.
    const deliveries = await service.runtime.store.listArticleDeliveries(id);
    expect(new Set(deliveries.map((d) => d.platformMessageId))).toEqual(new Set([post?.id]));
  }, 120_000);

  it("skips a crosspost the platform refuses with a 429, once, with a log line, and the post stands", async () => {
    const { fake, service, lines } = await setup(["{ id: desk, type: story, room: desk, crosspost: breaking }"], {
      crosspostsPerHour: 0,
    });
    const id = await ingest(service, storyPost({ rows: 3 }));
    await deliveredAt(service, id, 1, "desk");
    await waitForServiceDrained(service);
    expect(fake.posts("desk")).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.endsWith("/crosspost")).map((r) => r.status)).toEqual([429]);
    expect(lines.some((l) => /crosspost refused by the platform's rate limit/.test(l.msg))).toBe(true);
  }, 60_000);

  it("retracts by DELETE /ingest/<feed>/<id>: marked where posted, deleted where asked, never posted anew", async () => {
    // A ten-minute coalescing window: a retraction that waited for it would not arrive within this test.
    const { fake, service } = await setup(
      ["{ id: desk, type: story, room: desk }", "{ id: wall, type: story, room: wall, retractions: delete }"],
      { coalesce: "10m" },
    );
    const id = await ingest(service, storyPost({ rows: 3, slug: "withdrawn" }));
    await deliveredAt(service, id, 1, "desk");
    await deliveredAt(service, id, 1, "wall");
    const unauthenticated = await fetch(`http://127.0.0.1:${service.port}/ingest/wire/${id}`, { method: "DELETE" });
    expect(unauthenticated.status).toBe(401);
    const response = await fetch(`http://127.0.0.1:${service.port}/ingest/wire/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${INGEST}` },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "retracted", articleId: id, version: 2, queued: 2 });
    await deliveredAt(service, id, 2, "desk");
    await deliveredAt(service, id, 2, "wall");
    await waitForServiceDrained(service);

    const [marked] = fake.posts("desk");
    expect(marked?.text.split("\n").slice(0, 2)).toEqual([
      "~~[속보] 하늘클라우드 결제 API 장애~~",
      "기사가 철회되었습니다",
    ]);
    expect(marked?.text).not.toContain(STORY_ROWS[2]?.[1]);
    expect(fake.posts("wall")).toHaveLength(0);
    expect(fake.messages.filter((m) => m.replyTo)).toHaveLength(0);

    // Again: already retracted, nothing queued. An unknown id is 404.
    const again = await fetch(`http://127.0.0.1:${service.port}/ingest/wire/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${INGEST}` },
    });
    expect(await again.json()).toMatchObject({ status: "already retracted" });
    const unknown = await fetch(`http://127.0.0.1:${service.port}/ingest/wire/nope`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${INGEST}` },
    });
    expect(unknown.status).toBe(404);
  }, 120_000);

  it("retracts a post that went out and comes back published: false; a draft that never went out stays unposted", async () => {
    const { fake, service } = await setup(["{ id: desk, type: story, room: desk }"]);
    const id = await ingest(service, storyPost({ rows: 3, slug: "taken-back" }));
    await deliveredAt(service, id, 1, "desk");
    await ingest(service, storyPost({ rows: 3, slug: "taken-back", extraFrontMatter: "published: false\n" }));
    await deliveredAt(service, id, 2, "desk");
    const draft = await fetch(`http://127.0.0.1:${service.port}/ingest/wire`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST}`, "content-type": "text/markdown" },
      body: storyPost({ rows: 3, slug: "never-out", extraFrontMatter: "draft: true\n" }),
    });
    expect(await draft.json()).toMatchObject({ accepted: false, skipped: "draft (draft: true)" });
    await waitForServiceDrained(service);
    expect(fake.posts("desk").map((m) => m.text.split("\n")[1])).toEqual(["기사가 철회되었습니다"]);
    expect(fake.messages).toHaveLength(1);
  }, 60_000);

  it("never posts an article that arrives already retracted", async () => {
    const { fake, service } = await setup(["{ id: desk, type: story, room: desk }"]);
    await ingest(service, storyPost({ rows: 3, slug: "never", extraFrontMatter: "unpublished: true\n" }));
    await waitForServiceDrained(service);
    expect(fake.messages).toHaveLength(0);
    expect(await service.runtime.store.listRecentDeliveries(10)).toEqual([]);
  }, 60_000);
});

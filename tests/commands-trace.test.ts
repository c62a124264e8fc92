import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CommandHarness, commandHarness, replyText } from "./fixtures/commands/harness.ts";
import { outageArticle } from "./fixtures/store/articles.ts";

let h: CommandHarness;
const article = outageArticle();

/**
 * Channel 111 gets feed "newsdao" through "news-desk", whose webhook was deleted (404);
 * channel 222 (another server) gets the same article through "wire-desk", delivered.
 */
beforeEach(async () => {
  h = await commandHarness({ allowPrivateFeedUrls: false });
  const { store } = h;
  await store.upsertDestination({ id: "news-desk", type: "discord-webhook", config: {} });
  await store.upsertDestination({ id: "wire-desk", type: "discord", config: { channelId: "222" } });
  await store.upsertFeed({
    id: "newsdao",
    type: "rss",
    config: { url: "https://newsdao.kr/feed" },
    destinationIds: ["news-desk", "wire-desk"],
  });
  h.bindChannel("discord", "111", "news-desk");
  h.bindChannel("discord", "222", "wire-desk");
  await store.upsertArticle(article, "newsdao");
  await store.recordDeliveriesPending(article.id, 1, ["news-desk", "wire-desk"]);
  const key = { articleId: article.id, version: 1 };
  await store.recordAttempt({
    ...key,
    destinationId: "news-desk",
    outcome: "retrying",
    status: 503,
    code: "server",
    error: "discord-webhook: server error 503 (upstream)",
  });
  await store.recordAttempt({
    ...key,
    destinationId: "news-desk",
    outcome: "failed",
    status: 404,
    code: "not_found",
    error: "discord-webhook: not found (Unknown Webhook) POST /api/webhooks/123/abcdefSECRET",
  });
  await store.markFailed(article.id, 1, "news-desk", "discord-webhook: not found (Unknown Webhook)", true);
  await store.recordAttempt({
    ...key,
    destinationId: "wire-desk",
    outcome: "delivered",
    messageId: "1299999999999999999",
  });
  await store.markDelivered(article.id, 1, "wire-desk", "1299999999999999999");
});
afterEach(() => h.cleanup());

const trace = (ref: string, extra: { admin?: boolean; locale?: string; channelId?: string } = {}) =>
  h.run({
    command: "news",
    subcommand: "trace",
    options: { article: ref },
    locale: extra.locale ?? "en",
    channelId: extra.channelId ?? "111",
    isAdmin: async () => extra.admin ?? false,
  });

describe("/news trace", () => {
  it("shows a version a newer one replaced before it went out as delivered via that version", async () => {
    const { store } = h;
    // v2 and v3 arrive within the coalescing window: one edit of message 1299… applies v3, and v2 rides along.
    const v2 = await store.upsertArticle({ ...article, excerpt: `${article.excerpt} (추가 보도 1)` }, "newsdao");
    const v3 = await store.upsertArticle({ ...article, excerpt: `${article.excerpt} (추가 보도 2)` }, "newsdao");
    expect([v2.version, v3.version]).toEqual([2, 3]);
    await store.recordDeliveriesPending(article.id, 2, ["wire-desk"]);
    await store.recordDeliveriesPending(article.id, 3, ["wire-desk"]);
    await store.markSending(article.id, 3, "wire-desk");
    await store.markDelivered(article.id, 3, "wire-desk", "1299999999999999999");
    await store.markDelivered(article.id, 2, "wire-desk", "1299999999999999999");
    const text = replyText(await trace(article.id, { admin: true, channelId: "222" }));
    expect(text).toContain(
      "wire-desk: v1 delivered (1299999999999999999), v2 delivered via v3 (1299999999999999999), v3 delivered (1299999999999999999)",
    );
  });

  it("is refused for a member who is not an admin, before anything is looked up", async () => {
    const reply = await trace(article.id);
    expect(replyText(reply)).toBe("Only server admins can trace deliveries.");
    expect(reply.ephemeral).toBe(true);
    expect(h.adminChecks()).toBe(1);
    expect(replyText(await trace(article.id, { locale: "ko" }))).toBe("서버 관리자만 전송 기록을 볼 수 있습니다.");
  });

  it("shows an admin the versions, this channel's delivery state and each attempt's platform answer, secrets redacted", async () => {
    const text = replyText(await trace(article.url ?? "", { admin: true }));
    expect(text).toContain(article.title);
    expect(text).toMatch(/Versions: v1 /);
    expect(text).toContain("news-desk: v1 failed");
    expect(text).toMatch(/v1 · failed, will retry · HTTP 503 server — discord-webhook: server error 503/);
    expect(text).toMatch(
      /v1 · failed · HTTP 404 not_found — discord-webhook: not found \(Unknown Webhook\) POST \/api\/webhooks\/123\/\[redacted\]/,
    );
    expect(text).not.toContain("SECRET");
    // Another server's channel got the same article: its destination and message stay out of this reply.
    expect(text).not.toContain("wire-desk");
    expect(text).not.toContain("1299999999999999999");
  });

  it("answers in Korean, and the other channel's admin sees their own delivery with its message id", async () => {
    const ko = replyText(await trace(article.id, { admin: true, locale: "ko" }));
    expect(ko).toContain("버전: v1 ");
    expect(ko).toMatch(/· 실패 · HTTP 404 not_found/);
    const other = replyText(await trace(article.id, { admin: true, channelId: "222" }));
    expect(other).toContain("wire-desk: v1 delivered (1299999999999999999)");
    expect(other).toMatch(/· delivered · 1299999999999999999/);
    expect(other).not.toContain("news-desk");
  });

  it("shows the newest five attempts and points to herald trace for the rest", async () => {
    for (let i = 0; i < 5; i++) {
      await h.store.recordAttempt({
        articleId: article.id,
        version: 1,
        destinationId: "news-desk",
        outcome: "rate_limited",
        status: 429,
        code: "rate_limited",
        retryAfterMs: 1500,
      });
    }
    const text = replyText(await trace(article.id, { admin: true }));
    expect(text.match(/rate limited · HTTP 429 rate_limited, retry after 1.5 s/g)).toHaveLength(5);
    expect(text).toContain("2 earlier attempts are not shown; herald trace lists them all.");
  });

  it("asks for an article, and finds none outside this channel's feeds", async () => {
    expect(replyText(await trace("  ", { admin: true }))).toMatch(/^Give an article id or link, e.g. \/news trace /);
    expect(replyText(await trace("no-such-article", { admin: true }))).toBe(
      "Herald has no article with the id or link “no-such-article”.",
    );
    expect(replyText(await trace(article.id, { admin: true, channelId: "333" }))).toMatch(
      /^No feeds deliver to this channel/,
    );
  });

  it("is listed in /news help", async () => {
    expect(replyText(await h.run({ command: "news", subcommand: null }))).toContain(
      "/news trace <id or link>: why an article was or was not delivered here (server admins only)",
    );
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createUntrustedPool, type UntrustedPool } from "../jobs/untrusted/pool.ts";
import { type ArticleFields, ArticleParseError, articleFromFields, parsePost } from "../src/article/index.ts";
import { FeedParseError, parseFeed } from "../src/feed/parse.ts";
import { fixture, projectRoot } from "./helpers/paths.ts";
import { waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const examplesDir = join(projectRoot, "examples/posts");
const examples = readdirSync(examplesDir).map((name) => join(examplesDir, name));

/**
 * A real, valid post that is expensive to read: just under the 2 MiB a post
 * may have, as a list of some 45,000 items with emphasis and links. Parsing
 * it takes around four seconds and several hundred MB of heap here, so it
 * exceeds a budget of 1 s or 48 MB by a wide margin whatever the machine's load.
 */
function heavyPost(): Buffer {
  const head = "---\ntitle: 아주 긴 기사\n---\n\n";
  const items: string[] = [];
  let size = head.length;
  for (let i = 0; size < 1.9 * 1024 * 1024; i++) {
    const item = `- 항목 **${i}** [a](https://e.example/${i})\n`;
    items.push(item);
    size += Buffer.byteLength(item);
  }
  return Buffer.from(head + items.join(""));
}

describe("untrusted pool: parsing on worker threads", () => {
  const pools: UntrustedPool[] = [];
  const pool = (budget: { timeout?: number; memoryMb?: number; threads?: number } = {}, idleTimeoutMs?: number) => {
    const created = createUntrustedPool({ timeout: 10_000, memoryMb: 256, threads: 2, ...budget }, { idleTimeoutMs });
    pools.push(created);
    return created;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it("gives the same article as parsing directly, for the example posts and for fields", async () => {
    const untrusted = pool();
    const options = { baseUrl: "https://news.example.kr", source: null };
    for (const file of examples) {
      const raw = readFileSync(file);
      expect(await untrusted.article({ kind: "post", raw, input: file, options })).toEqual(
        parsePost(raw, file, options),
      );
      expect(await untrusted.article({ kind: "post", raw: raw.toString("utf8"), input: file, options })).toEqual(
        parsePost(raw, file, options),
      );
    }
    const fields: ArticleFields = {
      title: "서울 정전 속보",
      body: "<p>강남 일대 <b>정전</b></p><table><tr><td>시점</td><td>내용</td></tr><tr><td>오후 1:00</td><td>정전</td></tr></table>",
      bodyFormat: "html",
      url: "/a/1",
      date: "2026-10-14T01:00:00Z",
      categories: ["News"],
    };
    expect(await untrusted.article({ kind: "fields", fields, input: "item", options })).toEqual(
      articleFromFields(fields, "item", options),
    );
  });

  it("gives the same feed as parseFeed for the RSS, Atom and JSON Feed fixtures", async () => {
    const untrusted = pool();
    for (const name of ["ko-news.rss", "atom.xml", "feed.json"]) {
      const bytes = readFileSync(fixture("feeds", name));
      const options = { source: `https://feeds.example.kr/${name}`, contentType: null };
      const parsed = await untrusted.feed({ bytes, options });
      expect(parsed.items.length).toBeGreaterThan(0);
      expect(parsed).toEqual(parseFeed(bytes, options));
    }
  });

  it("refuses bad input with the same error class and message as a direct parse", async () => {
    const untrusted = pool();
    const noTitle = readFileSync(fixture("posts", "no-title.md"));
    const direct = (() => {
      try {
        parsePost(noTitle, "no-title.md");
      } catch (error) {
        return error as ArticleParseError;
      }
      return undefined;
    })();
    const viaPool = await untrusted
      .article({ kind: "post", raw: noTitle, input: "no-title.md", options: {} })
      .catch((error: unknown) => error);
    expect(viaPool).toBeInstanceOf(ArticleParseError);
    expect(viaPool).toMatchObject({ input: "no-title.md", reason: direct?.reason, message: direct?.message });

    const sitemap = await untrusted
      .feed({
        bytes: readFileSync(fixture("feeds", "sitemap.xml")),
        options: { source: "https://u:pw@example.kr/sitemap.xml" },
      })
      .catch((e: unknown) => e);
    expect(sitemap).toBeInstanceOf(FeedParseError);
    expect((sitemap as FeedParseError).message).toBe(
      "https://example.kr/sitemap.xml: not a feed (XML root <urlset> is a sitemap)",
    );
  });

  it("fails a task over its time budget as 'too complex to process', and serves the tasks after it", async () => {
    const untrusted = pool({ timeout: 1000, threads: 1 });
    const slow = untrusted.article({ kind: "post", raw: heavyPost(), input: "heavy.md", options: {} });
    // Queued behind the slow task on the only thread: waiting does not count against its budget.
    const queued = untrusted.article({ kind: "post", raw: plainPost(1), input: "queued.md", options: {} });
    const error = await slow.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArticleParseError);
    expect((error as ArticleParseError).message).toBe("heavy.md: too complex to process in 1 s");
    expect((await queued).title).toBe("Plain post 1");
    expect((await untrusted.article({ kind: "post", raw: plainPost(2), input: "next.md", options: {} })).title).toBe(
      "Plain post 2",
    );
  });

  it("fails a feed over its time budget with a FeedParseError naming the feed", async () => {
    // About 5 MiB of RSS, which takes over a second to read here.
    const untrusted = pool({ timeout: 100, threads: 1 });
    const items = Array.from(
      { length: 40_000 },
      (_, i) =>
        `<item><title>항목 ${i}</title><link>https://example.kr/${i}</link><description>&lt;p&gt;본문 ${i}&lt;/p&gt;</description></item>`,
    );
    const bytes = Buffer.from(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://example.kr/</link>${items.join("")}</channel></rss>`,
    );
    const error = await untrusted
      .feed({ bytes, options: { source: "https://example.kr/feed.xml" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as FeedParseError).message).toBe("https://example.kr/feed.xml: too complex to process in 100 ms");
  });

  it("fails a task over its memory budget as 'too large to process', and serves the tasks after it", async () => {
    const untrusted = pool({ timeout: 60_000, memoryMb: 48, threads: 1 });
    const error = await untrusted
      .article({ kind: "post", raw: heavyPost(), input: "heavy.md", options: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArticleParseError);
    expect((error as ArticleParseError).message).toBe("heavy.md: too large to process in 48 MB");
    expect((await untrusted.article({ kind: "post", raw: plainPost(3), input: "next.md", options: {} })).title).toBe(
      "Plain post 3",
    );
  });

  it("starts no thread before the first task and stops idle threads", async () => {
    const untrusted = pool({ threads: 2 }, 200);
    expect(untrusted.threads()).toBe(0);
    await untrusted.article({ kind: "post", raw: plainPost(4), input: "a.md", options: {} });
    expect(untrusted.threads()).toBeGreaterThan(0);
    await waitFor(() => untrusted.threads() === 0, 15_000, "idle threads to stop");
  });

  it("keeps one thread ready once warmed up: booted before the first post, past the idle timeout, and after a thread is killed", async () => {
    const untrusted = pool({ threads: 2, timeout: 1000 }, 200);
    untrusted.warmUp();
    await waitFor(() => untrusted.threads() === 1, 15_000, "the warm thread to start");
    const error = await untrusted
      .article({ kind: "post", raw: heavyPost(), input: "heavy.md", options: {} })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("heavy.md: too complex to process in 1 s");
    // The thread that ran out of time was terminated; a new one takes its place without waiting for a task.
    await waitFor(() => untrusted.threads() === 1, 15_000, "a thread to replace the terminated one");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(untrusted.threads()).toBe(1);
    expect((await untrusted.article({ kind: "post", raw: plainPost(5), input: "b.md", options: {} })).title).toBe(
      "Plain post 5",
    );
  });
});

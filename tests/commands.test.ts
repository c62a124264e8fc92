import { readFileSync } from "node:fs";
import { PNG } from "pngjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePost } from "../src/article/index.ts";
import type { Article } from "../src/article/types.ts";
import { cardDataFromArticle, cardKey } from "../src/card/index.ts";
import { languageOf, placeholdersOf, STRINGS } from "../src/i18n/index.ts";
import {
  type CommandHarness,
  commandHarness,
  inlineText,
  replyItems,
  replyLinks,
  replyText,
} from "./fixtures/commands/harness.ts";
import { englishArticle, makeArticle, marketArticle, outageArticle } from "./fixtures/store/articles.ts";
import { examplePost } from "./helpers/paths.ts";

let h: CommandHarness;
let example: Article;

/**
 * Channel 111 (Discord) gets feed "newsdao" through destination "news-desk";
 * channel 222 gets feed "wire" through "wire-desk"; channel 333 has none.
 */
beforeEach(async () => {
  h = await commandHarness({ allowPrivateFeedUrls: false });
  const { store } = h;
  await store.upsertDestination({ id: "news-desk", type: "discord", config: { channelId: "111" } });
  await store.upsertDestination({ id: "wire-desk", type: "discord", config: { channelId: "222" } });
  await store.upsertFeed({
    id: "newsdao",
    type: "rss",
    config: { url: "https://newsdao.kr/feed" },
    destinationIds: ["news-desk"],
  });
  await store.upsertFeed({
    id: "wire",
    type: "rss",
    config: { url: "https://wire.example/feed" },
    destinationIds: ["wire-desk"],
  });
  h.bindChannel("discord", "111", "news-desk");
  h.bindChannel("discord", "222", "wire-desk");
  example = parsePost(readFileSync(examplePost), examplePost, { baseUrl: "https://news.example.kr" });
  await store.upsertArticle(example, "newsdao");
  await store.upsertArticle(outageArticle(), "newsdao");
  await store.upsertArticle(marketArticle(), "newsdao");
  await store.upsertArticle(englishArticle({ date: "2030-01-01T00:00:00.000Z" }), "wire");
});
afterEach(() => h.cleanup());

const latest = (count?: string, extra: { channelId?: string; locale?: string | null } = {}) =>
  h.run({ command: "news", subcommand: "latest", options: count === undefined ? {} : { count }, ...extra });
const search = (query: string | undefined, extra: { channelId?: string; locale?: string | null } = {}) =>
  h.run({ command: "news", subcommand: "search", options: query === undefined ? {} : { query }, ...extra });
const show = (article: string, locale: string | null = "en") =>
  h.run({ command: "news", subcommand: "show", options: { article }, locale });

/** Seven more articles of channel 111, one day apart, "day 1" oldest. */
async function storeSevenDays(): Promise<void> {
  for (let day = 1; day <= 7; day++) {
    await h.store.upsertArticle(
      makeArticle({
        id: `day-${day}`,
        title: `Day ${day} bulletin`,
        date: `2031-03-0${day}T09:00:00.000Z`,
        language: "en",
      }),
      "newsdao",
    );
  }
}

describe("/news latest", () => {
  it("lists this channel's five newest articles, newest first, by default", async () => {
    await storeSevenDays();
    const reply = await latest();
    expect(reply.ephemeral).toBe(true);
    expect(replyLinks(reply).map(([title]) => title)).toEqual([
      "Day 7 bulletin",
      "Day 6 bulletin",
      "Day 5 bulletin",
      "Day 4 bulletin",
      "Day 3 bulletin",
    ]);
  });

  it("never shows another channel's articles, even newer ones", async () => {
    const reply = await latest("20");
    const titles = replyLinks(reply).map(([title]) => title);
    expect(titles).toContain(example.title);
    expect(titles).not.toContain("AWS DNS incident delays deploys");
    expect(titles).toHaveLength(3);
  });

  it("honours a count from 1 to 20", async () => {
    await storeSevenDays();
    expect(replyItems(await latest("1"))).toHaveLength(1);
    expect(replyItems(await latest(" 2 "))).toHaveLength(2);
    expect(replyItems(await latest("20"))).toHaveLength(10);
  });

  it.each(["0", "21", "abc", "3.5", "-1", "1e1", "100000"])(
    "refuses count %j, naming the allowed range",
    async (count) => {
      const reply = await latest(count);
      expect(replyItems(reply)).toEqual([]);
      expect(replyText(reply)).toBe(`The count must be a whole number from 1 to 20; “${count}” is not.`);
    },
  );

  it("links each title to the article and shows its date and source", async () => {
    const reply = await latest("5", { locale: "en-GB" });
    const outage = replyItems(reply).find((item) => inlineText(item).includes("MS 아웃룩"));
    expect(outage?.[0]).toEqual({
      type: "link",
      url: "https://news.example/ms-outlook-outage",
      children: [{ type: "text", value: outageArticle().title }],
    });
    expect(inlineText(outage ?? [])).toContain(" · July 11, 2024 at 2:00 AM UTC · newsdao.kr");
  });

  it("formats dates in Korean, in Seoul time, for a Korean user", async () => {
    const reply = await latest("5", { locale: "ko" });
    expect(replyText(reply)).toContain("이 채널 피드의 최신 기사:");
    expect(replyText(reply)).toContain(
      "MS 아웃룩(Azure) 장애로 아시아 지역 업무 메일 멈춰 · 2024년 7월 11일 오전 11:00 · newsdao.kr",
    );
  });

  it("shows the id of an article without a link, so /news show can open it", async () => {
    await h.store.upsertArticle(
      makeArticle({ id: "no-link", title: "Undated notice", url: null, date: "2032-01-01T00:00:00.000Z" }),
      "newsdao",
    );
    const first = replyItems(await latest("1"))[0] ?? [];
    expect(first[0]).toEqual({ type: "text", value: "Undated notice" });
    expect(first).toContainEqual({ type: "code", value: "no-link" });
  });

  it("says so when this channel's feeds have no articles yet, in English and Korean", async () => {
    await h.store.upsertDestination({ id: "quiet-desk", type: "discord", config: {} });
    await h.store.upsertFeed({
      id: "quiet",
      type: "rss",
      config: { url: "https://quiet.example/feed" },
      destinationIds: ["quiet-desk"],
    });
    h.bindChannel("discord", "444", "quiet-desk");
    expect(replyText(await latest(undefined, { channelId: "444" }))).toBe("No articles yet for this channel's feeds.");
    expect(replyText(await latest(undefined, { channelId: "444", locale: "ko" }))).toBe(
      "이 채널의 피드에 아직 기사가 없습니다.",
    );
  });

  it("lists titles without control or bidi characters", async () => {
    await h.store.upsertArticle(
      makeArticle({
        id: "hostile",
        title: "Outage \u001b]0;pwned\u0007 \u202eexe.png",
        date: "2032-01-01T00:00:00.000Z",
      }),
      "newsdao",
    );
    const text = replyText(await latest("1"));
    expect(text).toContain("Outage ]0;pwned exe.png");
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it("tells a channel without feeds how an admin adds one", async () => {
    const reply = await latest(undefined, { channelId: "333" });
    expect(replyText(reply)).toBe(
      "No feeds deliver to this channel, so there are no articles to show here. An admin can add one with /feeds add <url>.",
    );
  });
});

describe("/news search", () => {
  it("finds the seed-shaped outage post by 장애 in this channel's feeds, with a linked title and a snippet", async () => {
    const reply = await search("장애", { locale: "ko" });
    expect(replyText(reply).split("\n")[0]).toBe("이 채널 피드에서 “장애” 검색 결과:");
    const links = replyLinks(reply);
    expect(links).toContainEqual([example.title, example.url]);
    const item =
      replyItems(reply).find((inlines) => inlines[0]?.type === "link" && inlines[0].url === example.url) ?? [];
    const snippet = item.at(-1);
    expect(snippet?.type).toBe("text");
    expect(snippet?.type === "text" && snippet.value).toContain("장애");
    expect(links.map(([title]) => title)).not.toContain(marketArticle().title); // 장 and 애 apart is not 장애
  });

  it("shows at most five results", async () => {
    for (let i = 0; i < 8; i++) {
      await h.store.upsertArticle(
        makeArticle({ id: `outage-${i}`, title: `장애 보고 ${i}`, date: `2031-01-0${i + 1}T00:00:00.000Z` }),
        "newsdao",
      );
    }
    expect(replyItems(await search("장애"))).toHaveLength(5);
  });

  it("searches only this channel's feeds when it has some, and echoes the query when nothing matches", async () => {
    const reply = await search("AWS");
    expect(replyText(reply)).toBe("No articles from this channel's feeds match “AWS”.");
    expect(replyLinks(await search("AWS", { channelId: "222" }))).toEqual([
      ["AWS DNS incident delays deploys", "https://news.example/aws-dns-incident"],
    ]);
  });

  it("finds nothing of other servers' feeds in a channel without feeds, and says no feeds deliver there", async () => {
    const reply = await search("AWS", { channelId: "333" });
    expect(replyLinks(reply)).toEqual([]);
    expect(replyText(reply)).toBe(
      "No feeds deliver to this channel, so there are no articles to show here. An admin can add one with /feeds add <url>.",
    );
    expect(replyText(await search("AWS", { channelId: "333", locale: "ko" }))).toMatch(
      /^이 채널에 게시되는 피드가 없어/,
    );
  });

  it("finds nothing in a channel whose feeds do not carry the article", async () => {
    // Channel 111's feed is "newsdao"; the AWS article came only through "wire", which posts to channel 222.
    const reply = await search("AWS DNS");
    expect(replyLinks(reply)).toEqual([]);
    expect(replyText(reply)).toBe("No articles from this channel's feeds match “AWS DNS”.");
  });

  it.each([undefined, "", "   \n\t"])("asks for something to search for when the query is %j", async (query) => {
    const reply = await search(query);
    expect(replyText(reply)).toBe("Type something to search for, e.g. /news search 장애");
    expect(reply.blocks[0]).toMatchObject({
      children: [{ type: "text" }, { type: "code", value: "/news search 장애" }],
    });
  });

  it("refuses a 201-character query naming the 200 limit, and accepts 200", async () => {
    expect(replyText(await search("가".repeat(201)))).toBe(
      "That search is 201 characters long; searches can be at most 200 characters.",
    );
    expect(replyText(await search("가".repeat(200)))).toBe(
      `No articles from this channel's feeds match “${"가".repeat(200)}”.`,
    );
  });

  it("treats FTS5 syntax as text instead of failing", async () => {
    for (const query of ['"장애" (Azure*)', "Azure: 장애,", "-장애 ^Azure", "{title}"]) {
      const titles = replyLinks(await search(query)).map(([title]) => title);
      if (query === "{title}") expect(titles, query).toEqual([]);
      else expect(titles, query).toContain(outageArticle().title);
    }
    const nothing = await search("AND OR NOT");
    expect(replyText(nothing)).toBe("No articles from this channel's feeds match “AND OR NOT”.");
  });

  it("explains, politely and in the user's language, a query with nothing searchable in it", async () => {
    const reply = await search('*** "" ()', { locale: "ko" });
    expect(replyText(reply)).toMatch(
      /^그 검색어로는 검색할 수 없습니다 \(.*no letters or digits.*\)\. 다른 단어로 검색해 보세요\.$/,
    );
    expect(h.logged).toEqual([]);
  });

  it("keeps a hostile query as text, never as markup", async () => {
    const query = "<b>x</b> [click](javascript:alert(1)) {count}";
    const reply = await search(query);
    expect(replyLinks(reply)).toEqual([]);
    expect(replyText(reply)).toBe(`No articles from this channel's feeds match “${query}”.`);
  });
});

/** A real PNG of the given size, as the card cache would hold. */
function png(width: number, height: number): Buffer {
  return PNG.sync.write(new PNG({ width, height }));
}

describe("/news show", () => {
  it("shows the full article by id with its cached timeline card", async () => {
    const data = cardDataFromArticle(example);
    if (!data) throw new Error("the example post should have a timeline card");
    const cardPng = png(120, 80);
    await h.store.putCard(cardKey(data), cardPng);
    const reply = await show(example.id, "ko");
    expect(reply.ephemeral).toBe(true);
    expect(reply.article?.message.articleId).toBe(example.id);
    expect(reply.article?.message.blocks).toEqual(example.body);
    expect(reply.article?.message.readMoreLabel).toBe("자세히 보기");
    expect(reply.article?.message.card).toEqual({ filename: "timeline.png", url: null, width: 120, height: 80 });
    expect(reply.article?.card?.filename).toBe("timeline.png");
    expect(Buffer.from(reply.article?.card?.png ?? []).equals(cardPng)).toBe(true);
  });

  it("finds the article by its link, with or without a trailing slash", async () => {
    const url = example.url ?? "";
    expect(url).toMatch(/\/$/);
    expect((await show(url)).article?.message.articleId).toBe(example.id);
    expect((await show(url.slice(0, -1))).article?.message.articleId).toBe(example.id);
    expect((await show(`  ${outageArticle().url}  `)).article?.message.title).toBe(outageArticle().title);
  });

  it("shows the article without a card when none is cached, or the cached one is damaged", async () => {
    const before = await show(example.id);
    expect(before.article?.card).toBeNull();
    expect(before.article?.message.card).toBeNull();
    expect(before.article?.message.readMoreLabel).toBe("Read more");
    const data = cardDataFromArticle(example);
    if (!data) throw new Error("no card data");
    await h.store.putCard(cardKey(data), Buffer.from("not a png"));
    const damaged = await show(example.id);
    expect(damaged.article?.message.title).toBe(example.title);
    expect(damaged.article?.card).toBeNull();
    expect(h.logged.map((entry) => entry.level)).toEqual(["warn"]);
  });

  it("opens only articles of this channel's feeds: another channel's article is not found, a channel without feeds is told so", async () => {
    const aws = englishArticle();
    expect((await show(aws.id)).article).toBeUndefined();
    expect(replyText(await show(aws.url ?? ""))).toBe(`Herald has no article with the id or link “${aws.url}”.`);
    const there = await h.run({ command: "news", subcommand: "show", options: { article: aws.id }, channelId: "222" });
    expect(there.article?.message.articleId).toBe(aws.id);
    const nowhere = await h.run({
      command: "news",
      subcommand: "show",
      options: { article: example.id },
      channelId: "333",
    });
    expect(nowhere.article).toBeUndefined();
    expect(replyText(nowhere)).toMatch(/^No feeds deliver to this channel/);
  });

  it("says politely when there is no such article", async () => {
    const reply = await show("https://nowhere.example/missing");
    expect(reply.article).toBeUndefined();
    expect(replyText(reply)).toBe("Herald has no article with the id or link “https://nowhere.example/missing”.");
    expect(replyText(await show("없는-기사", "ko-KR"))).toBe("ID나 링크가 “없는-기사”인 기사를 찾을 수 없습니다.");
  });

  it("asks for an id or link when none is given", async () => {
    expect(replyText(await show(" "))).toBe(
      "Give an article id or link, e.g. /news show https://news.example/2026/10/14/outage",
    );
  });
});

describe("usage help and failures", () => {
  it("lists the /news subcommands for a missing or unknown subcommand", async () => {
    const missing = replyText(await h.run({ command: "news", subcommand: null }));
    expect(missing).toContain("/news latest [count]: the newest articles from this channel's feeds (1–20, default 5)");
    expect(missing).toContain("/news search <words>");
    expect(missing).toContain("/news show <id or link>");
    expect(missing).not.toContain("/feeds");
    const unknown = replyText(await h.run({ command: "news", subcommand: "lastest", locale: "ko" }));
    expect(unknown.split("\n")[0]).toBe("/news lastest 명령은 없습니다.");
    expect(unknown).toContain("/news latest [count]: 이 채널 피드의 최신 기사 (1–20개, 기본 5개)");
  });

  it("accepts subcommands in any case", async () => {
    expect(replyItems(await h.run({ command: "news", subcommand: "LATEST", options: { count: "2" } }))).toHaveLength(2);
  });

  it("answers a store failure with a generic apology and logs the cause", async () => {
    await h.store.close();
    const reply = await latest();
    expect(reply.ephemeral).toBe(true);
    expect(replyText(reply)).toBe("Something went wrong while running that command. Please try again in a moment.");
    expect(h.logged).toHaveLength(1);
    expect(h.logged[0]).toMatchObject({
      level: "error",
      message: "command failed",
      details: { command: "news", subcommand: "latest" },
    });
    // cleanup() closes the store again; better-sqlite3 allows that.
  });
});

describe("strings", () => {
  it("picks Korean for ko and ko-KR, English for everything else", () => {
    expect(["ko", "ko-KR", "KO_kr", " ko "].map(languageOf)).toEqual(["ko", "ko", "ko", "ko"]);
    expect(["en-US", "ja", "kok", "", null, undefined].map(languageOf)).toEqual(["en", "en", "en", "en", "en", "en"]);
  });

  it("gives every Korean message the same parameters as its English one", () => {
    const mismatched = Object.entries(STRINGS.en)
      .filter(
        ([key, english]) =>
          placeholdersOf(english).join() !== placeholdersOf(STRINGS.ko[key as keyof typeof STRINGS.ko]).join(),
      )
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });
});

/**
 * Timeline cards over every real post of ../shared/corpus and the reference
 * seed (and every item of its feeds): how many get a card, printed, and the
 * known cases pinned. Cases come from the folder listings, so without the
 * corpus vitest leaves this file out (see vitest.config.ts).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Article, articleFromFields, parsePost } from "../src/article/index.ts";
import { cardDataFromArticle } from "../src/card/index.ts";
import { parseFeed } from "../src/feed/parse.ts";
import { corpusDir, seedPath } from "./helpers/paths.ts";

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : []);

/** Every corpus post that parses, by file name (the README's broken ones are checked in corpus-posts.test.ts). */
function corpusArticles(): Map<string, Article> {
  const articles = new Map<string, Article>();
  for (const path of [...list(join(corpusDir, "posts")), ...list(join(corpusDir, "incidents")), seedPath]) {
    try {
      articles.set(basename(path), parsePost(readFileSync(path), path, { baseUrl: "https://example.org" }));
    } catch {
      // Broken front matter, no title: no article, so no card.
    }
  }
  return articles;
}

function feedArticles(): Article[] {
  const dir = join(corpusDir, "feeds");
  return list(dir).flatMap((path) => {
    try {
      const items = parseFeed(readFileSync(path), { source: basename(path), url: "https://feed.example.org/" }).items;
      return items
        .filter((item) => item.title)
        .map((item) =>
          articleFromFields(
            { title: item.title, body: item.html ?? "", bodyFormat: "html", url: item.url, date: item.date },
            item.key,
          ),
        );
    } catch {
      return [];
    }
  });
}

const articles = corpusArticles();
const withCard = [...articles].filter(([, a]) => cardDataFromArticle(a) !== null).map(([name]) => name);
const card = (fragment: string) => {
  const entry = [...articles].find(([name]) => name.includes(fragment));
  if (!entry) throw new Error(`no corpus post named like ${fragment}`);
  return cardDataFromArticle(entry[1]);
};

describe.runIf(existsSync(corpusDir))("timeline cards over the real corpus", () => {
  it("counts the posts and feed items that get a card", () => {
    const feedItems = feedArticles();
    const feedCards = feedItems.filter((a) => cardDataFromArticle(a) !== null).length;
    const lists = withCard.filter((name) => card(name)?.labels === null).length;
    console.log(
      `corpus timeline cards: ${withCard.length} of ${articles.size} posts (${lists} from lists or headings, ${withCard.length - lists} from tables); ` +
        `${feedCards} of ${feedItems.length} feed items\n  ${withCard.join("\n  ")}`,
    );
    expect(withCard.length).toBeGreaterThanOrEqual(12);
    expect(feedItems.length).toBeGreaterThan(0);
  });

  it("gives the reference seed its 3-row 시점/내용 card", () => {
    const data = card("000_fb2e8609dc648e0b");
    expect(data?.labels).toEqual(["시점", "내용"]);
    expect(data?.rows.map((r) => r.time)).toEqual(["11:00 AM", "11:47 AM", "1:00 PM"]);
    expect(data?.date).toBeNull();
  });

  it.each([
    ["docsrs-outage-postmortem", 13, "2019-10-20 00:55", "19:27"],
    ["midnight-rollover", 12, "20:09 UTC", "00:40 UTC"],
    ["2020-02-crates-io-incident-report", 17, "2020-02-20 21:17 UTC", "2020-02-21 14:10 UTC"],
    ["2023-07-crates-io-postmortem", 16, "2023-07-19 12:32 UTC", "2023-07-20 14:10 UTC"],
    ["leaked-token-incident-report", 6, "2023-MM-DD", "2024-06-28 7:26 AM Eastern"],
    ["org-team-privileges-incident-report", 8, "2025-04-14 16:37 UTC", "2025-04-14 19:06 UTC"],
  ])("gives the incident report %s, whose timeline is a list, a card of %i rows", (fragment, count, first, last) => {
    const data = card(fragment);
    expect(data?.rows).toHaveLength(count);
    expect(data?.rows[0]?.time).toBe(first);
    expect(data?.rows.at(-1)?.time).toBe(last);
    expect(data?.rows.every((r) => r.event.length > 0)).toBe(true);
  });

  it("reads events without footnote markers or separators at their start", () => {
    expect(card("leaked-token-incident-report")?.rows[0]?.event).toMatch(/^A GitHub Personal Access Token was created/);
    expect(card("2020-02-crates-io-incident-report")?.rows[0]?.event).toMatch(/^the authors of kaze/);
  });

  it.each([
    ["pipe-table-glued", "departure, arrival and duration (2시간 37분) columns"],
    ["state-of-rust-survey", "two rows of survey counts"],
    ["relational-model_pipe-table", "a film table whose years are data"],
    ["unescaped-lt", "rainfall by region, one date for every row"],
    ["azar-ab-test", "user counts by cube"],
    ["ffi-unwind-design-meeting", "a comparison of unwinding behaviours"],
    ["relative-times", "one real time among relative words"],
    ["homebrew_2018-08-05", "an incident narrative without a timeline"],
    ["cstate_2018-04-13", "status updates whose stamps live in shortcodes"],
  ])("gives %s no card (%s)", (fragment) => {
    expect(card(fragment)).toBeNull();
  });
});

/**
 * Runs every post of ../shared/corpus (real third-party posts) and the
 * reference seed through the parser. Cases come from the folder listings,
 * so on a machine without shared/ there are simply no cases here.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractBlocks } from "../src/article/blocks.ts";
import { splitFrontMatter } from "../src/article/frontmatter.ts";
import { bodyToHast } from "../src/article/hast.ts";
import { ArticleParseError, parsePost } from "../src/article/index.ts";
import { corpusDir, seedPath } from "./helpers/paths.ts";

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : []);
const posts = [...list(join(corpusDir, "posts")), ...list(join(corpusDir, "incidents"))];
const seeds = existsSync(seedPath) ? [seedPath] : [];

/** Files the corpus README marks as unusable posts, and why. */
const EXPECTED_ERRORS: Record<string, RegExp> = {
  "NO-front-matter": /no title/,
  "extra-spaces": /no title/,
  "i-dont-like-zeroes": /no title/,
};

/**
 * Front matter YAML rejects but Jekyll still publishes (it logs the error): read leniently, with a warning.
 * `[올림픽] …` is a flow sequence followed by text; the multi-line title keeps its first line.
 */
const LENIENT_TITLES: Record<string, string> = {
  "BROKEN-yaml-bracket-title": "[올림픽] 한국 금메달 전쟁에서 역대 최다 기록!",
  "BROKEN-yaml-multiline-title": "1. 트럼프 바이든 경제 미국 중대한 변화에 대비하라!",
};

/** Timelines the corpus README describes: file fragment → [labels, first time, row count]. */
const EXPECTED_TIMELINES: Record<string, [[string, string] | null, string, number]> = {
  "sijeom-naeyong-table": [["시점", "내용"], "1918년 3월", 2],
  "sigan-naeyong-reverse": [["시간", "내용"], "2023년 9월", 3],
  "sigi-sageon-table": [["시기", "사건 내용"], "5일", 3],
  "TOML-schedule-table": [["Date", "Meeting Id · Meeting Topic"], "2023-02-17", 4],
  "linux-fhs_version-timeline": [["Release Date", "legend · Version · Notes"], "1994/2/14", 8],
  // Post-mortems write their timeline as a list under a "Timeline of events" heading (tests/corpus-timelines.test.ts).
  "leaked-token-incident-report": [null, "2023-MM-DD", 6],
  "org-team-privileges-incident-report": [null, "2025-04-14 16:37 UTC", 8],
  "midnight-rollover": [null, "20:09 UTC", 12],
  "docsrs-outage-postmortem": [null, "2019-10-20 00:55", 13],
  "2020-02-crates-io-incident-report": [null, "2020-02-20 21:17 UTC", 17],
  "2023-07-crates-io-postmortem": [null, "2023-07-19 12:32 UTC", 16],
};

describe.each(seeds)("the reference seed %s", (path) => {
  const article = parsePost(readFileSync(path), path, { baseUrl: "https://newsdao.kr" });
  it("has its title, category and excerpt", () => {
    expect(article.title).toBe("MS 아웃룩 업무 메일 중단 직장인의 아우성!");
    expect(article.categories).toEqual(["News"]);
    expect(article.excerpt).toMatch(/^아시아·태평양 지역에서 MS 아웃룩 접속장애 발생/);
    expect(article.image).toBe("https://newsdao.kr/assets/img/newsdao_breakingnews.jpg");
  });
  it("finds the 3-row 시점/내용 timeline with Korean text intact", () => {
    expect(article.timeline).toEqual({
      labels: ["시점", "내용"],
      rows: [
        { time: "11:00 AM", event: "사용자가 여러 MS365 서비스에 액세스할 수 없다는 보고를 조사 중" },
        { time: "11:47 AM", event: "애저(Azure) 네트워킹 인프라 내의 최근 변경으로 인해 영향이 발생한 것으로 확인" },
        { time: "1:00 PM", event: "애저 네트워킹 문제가 해결되었다는 공지" },
      ],
    });
  });
  it("resolves the closing link and keeps it", () => {
    expect(JSON.stringify(article.body)).toContain('"url":"https://newsdao.kr/"');
  });
});

describe.each(posts)("corpus post %s", (path) => {
  const name = path.split("/").at(-1) ?? path;
  const raw = readFileSync(path);
  const expectedError = Object.entries(EXPECTED_ERRORS).find(([fragment]) => name.includes(fragment))?.[1];

  if (expectedError) {
    it("is rejected with an error naming the file and the reason", () => {
      expect(() => parsePost(raw, path)).toThrow(ArticleParseError);
      expect(() => parsePost(raw, path)).toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
      expect(() => parsePost(raw, path)).toThrow(expectedError);
    });
    return;
  }

  const warnings: string[] = [];
  const article = parsePost(raw, path, { baseUrl: "https://example.org", onWarning: (w) => warnings.push(w) });

  const lenientTitle = Object.entries(LENIENT_TITLES).find(([fragment]) => name.includes(fragment))?.[1];
  if (lenientTitle) {
    it("reads its broken YAML leniently, as Jekyll publishes it, and says so", () => {
      expect(article.title).toBe(lenientTitle);
      expect(warnings.join("\n")).toMatch(/front matter YAML error/);
      // A bracketed headline tag is recovered even under strict_front_matter; other YAML errors then fail the post.
      if (lenientTitle.startsWith("["))
        expect(parsePost(raw, path, { strictFrontMatter: true }).title).toBe(lenientTitle);
      else expect(() => parsePost(raw, path, { strictFrontMatter: true })).toThrow(/broken front matter: /);
    });
  }

  it("parses to an article with a title and text", () => {
    expect(article.title.length).toBeGreaterThan(0);
    expect(article.text.length).toBeGreaterThan(article.title.length);
  });

  it("carries no script, iframe or style content", () => {
    const all = JSON.stringify(article);
    expect(all).not.toMatch(/<script|widgets\.js|plotly|<iframe|slideshare\.net\/slideshow\/embed/i);
  });

  it("keeps the language's own script intact", () => {
    const lang = name.slice(0, 2);
    const script = {
      ko: /\p{Script=Hangul}/u,
      ja: /\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Han}/u,
      zh: /\p{Script=Han}/u,
    }[lang];
    if (script) expect(article.text).toMatch(script);
    expect(article.text).not.toContain("\uFFFD");
    expect(article.language).toBe(["ko", "ja", "zh"].includes(lang) ? lang : "en");
  });

  const timeline = Object.entries(EXPECTED_TIMELINES).find(([fragment]) => name.includes(fragment))?.[1];
  it(timeline ? "finds its timeline" : "finds no timeline in tables or lists that are not one", () => {
    if (!timeline) return expect(article.timeline).toBeNull();
    const [labels, firstTime, count] = timeline;
    expect(article.timeline?.labels).toEqual(labels);
    expect(article.timeline?.rows[0]?.time).toBe(firstTime);
    expect(article.timeline?.rows).toHaveLength(count);
  });

  it("reads the same from markdown-it's tokens as through the HTML parser", () => {
    // Appending raw HTML sends the body down the render-and-reparse road; a body with raw HTML takes it anyway.
    const body = splitFrontMatter(raw.toString("utf8")).body;
    const direct = extractBlocks(bodyToHast(body), "https://example.org/");
    const viaHtml = extractBlocks(bodyToHast(`${body}\n\n<span></span>\n`), "https://example.org/");
    expect(direct.blocks).toEqual(viaHtml.blocks);
    expect(direct.images).toEqual(viaHtml.images);
    expect(direct.tables.map((t) => t.table)).toEqual(viaHtml.tables.map((t) => t.table));
  });
});

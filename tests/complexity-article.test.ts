/**
 * Article parsing takes time proportional to the input on hostile text: for
 * every adversarial shape, 80 KB must not take much more than eight times
 * 10 KB (quadratic work would take ~64 times; see tests/helpers/hostile.ts).
 */
import { describe, expect, it } from "vitest";
import { parseDate } from "../src/article/date.ts";
import { ArticleParseError, articleFromFields, parsePost } from "../src/article/index.ts";
import { detectLanguage } from "../src/article/language.ts";
import { parseFeedDate } from "../src/feed/date.ts";
import { GROWTH_LIMIT, growthDetail, growthRatio, HOSTILE_SHAPES, hostileText, settle } from "./helpers/hostile.ts";

const KB = 1024;

const expectLinear = (shape: string, toInput: (text: string) => string, run: (input: string) => unknown) => {
  const growth = growthRatio((kb) => toInput(hostileText(shape, kb * KB)), run, GROWTH_LIMIT);
  expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
};

const indent = (text: string) => text.replace(/\n/g, "\n  ");

describe("parsePost grows linearly on hostile input", () => {
  it.each(HOSTILE_SHAPES)("Markdown body: %s", (shape) => {
    expectLinear(
      shape,
      (text) => `---\ntitle: Hostile\n---\n${text}`,
      (post) => settle(() => parsePost(post, "hostile.md"), [ArticleParseError]),
    );
  });

  it.each(HOSTILE_SHAPES)("YAML front matter holding the text (block scalar excerpt): %s", (shape) => {
    expectLinear(
      shape,
      (text) => `---\ntitle: Hostile\nexcerpt: |\n  ${indent(text)}\n---\nBody.\n`,
      (post) => settle(() => parsePost(post, "hostile.md"), [ArticleParseError]),
    );
  });

  it.each(HOSTILE_SHAPES)("front-matter excerpt (Markdown lead): %s", (shape) => {
    expectLinear(
      shape,
      (text) => `{"title": "Hostile", "excerpt": ${JSON.stringify(`x ${text} x`)}}\nBody.\n`,
      (post) => settle(() => parsePost(post, "hostile.md"), [ArticleParseError]),
    );
  });

  it.each(HOSTILE_SHAPES)("TOML front matter holding the text: %s", (shape) => {
    expectLinear(
      shape,
      (text) => `+++\ntitle = "Hostile"\nexcerpt = ${JSON.stringify(text)}\n+++\nBody.\n`,
      (post) => settle(() => parsePost(post, "hostile.md"), [ArticleParseError]),
    );
  });
});

describe("articleFromFields grows linearly on hostile HTML (feed items)", () => {
  it.each(HOSTILE_SHAPES)("HTML body: %s", (shape) => {
    expectLinear(
      shape,
      (text) => text,
      (body) =>
        settle(
          () => articleFromFields({ title: "Hostile", body, bodyFormat: "html", excerpt: body }, "item"),
          [ArticleParseError],
        ),
    );
  });
});

describe("date parsing and language detection grow linearly on hostile text", () => {
  it.each(HOSTILE_SHAPES)("parseDate, parseFeedDate and detectLanguage: %s", (shape) => {
    expectLinear(
      shape,
      (text) => `2026-10-14 ${text}`,
      (value) => [
        parseDate(value, "Asia/Seoul"),
        parseDate(` ${value.slice(11)}`, "UTC"),
        parseFeedDate(value),
        detectLanguage(value),
      ],
    );
  });
});

/** Bodies that make timeline detection do the most: every shape is one unit repeated to the wanted size. */
const TIMELINE_UNITS: Record<string, string> = {
  "many stamped list items under one timeline heading": "- **07:02 UTC** — alerts fire on the resolver fleet\n",
  "many stamped items, out of order": "- 23:10 UTC: a\n- 01:00 UTC: b\n- 12:00 UTC: c\n",
  "many unstamped items under one timeline heading": "- then someone looked at it\n",
  "many stamped headings with paragraphs": "### 07:02 UTC\n\nThe index was promoted.\n\n",
  "many date headings with lists": "### 2026-02-20\n\n- 22:40 UTC: deploy\n- 23:55 UTC: errors\n\n",
  "many timeline headings, each with a list": "## Timeline\n\n- 09:00 a\n- 09:10 b\n- 09:20 c\n\n",
  "many timeline headings, each with a table":
    "## Timeline\n\n| Time | Event |\n|---|---|\n| 09:00 | paged |\n| 09:10 | fixed |\n| 09:20 | closed |\n\n",
  "stamp-like prefixes that fail late": "- 2026-10-14 16:40 UTC+09:00 (KST) 오후 2시 15분 30초\n",
  "one huge stamped item": "07:02 ",
};

describe("timeline detection grows linearly", () => {
  it.each(Object.keys(TIMELINE_UNITS))("%s", (shape) => {
    const unit = TIMELINE_UNITS[shape] as string;
    const body = (size: number) => {
      const text = unit.repeat(Math.ceil(size / unit.length));
      return shape === "one huge stamped item"
        ? `## Timeline\n\n- ${text}\n- 08:00 b\n- 09:00 c\n`
        : `## Timeline\n\n${text}`;
    };
    const growth = growthRatio(
      (kb) => `---\ntitle: Timeline\n---\n${body(kb * KB)}`,
      (post) => settle(() => parsePost(post, "timeline.md"), [ArticleParseError]),
      GROWTH_LIMIT,
    );
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });

  it("still finds a timeline of thousands of items, across many midnights", () => {
    const clock = (i: number) =>
      `${String(Math.floor(i / 60) % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`;
    const items = Array.from({ length: 5000 }, (_, i) => `- **${clock(i)} UTC** — event ${i}\n`).join("");
    const timeline = parsePost(`---\ntitle: Timeline\n---\n## Timeline\n\n${items}`, "timeline.md").timeline;
    expect(timeline?.rows).toHaveLength(5000);
    expect(timeline?.rows.at(-1)).toEqual({ time: `${clock(4999)} UTC`, event: "event 4999" });
  });
});

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
import { growthRatio, HOSTILE_SHAPES, hostileText, settle } from "./helpers/hostile.ts";

/**
 * 80 KB over 8 × 10 KB: linear work gives ~1, n log n ~1.3, the quadratic
 * stages this replaced gave 7–10. Linear stages measured up to ~3 on a busy
 * 2-core machine (an 80 KB parse outgrows the young generation; 10 KB ones do not).
 */
const LIMIT = 4;
const KB = 1024;

const expectLinear = (shape: string, toInput: (text: string) => string, run: (input: string) => unknown) => {
  const growth = growthRatio((kb) => toInput(hostileText(shape, kb * KB)), run, LIMIT);
  expect(growth.ratio, `ms per 10/20/40/80 KB: ${growth.perSize.map((t) => t.toFixed(2)).join(" / ")}`).toBeLessThan(LIMIT);
};

const indent = (text: string) => text.replace(/\n/g, "\n  ");

describe("parsePost grows linearly on hostile input", () => {
  it.each(HOSTILE_SHAPES)("Markdown body: %s", (shape) => {
    expectLinear(shape, (text) => `---\ntitle: Hostile\n---\n${text}`, (post) => settle(() => parsePost(post, "hostile.md"), [ArticleParseError]));
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
      (body) => settle(() => articleFromFields({ title: "Hostile", body, bodyFormat: "html", excerpt: body }, "item"), [ArticleParseError]),
    );
  });
});

describe("date parsing and language detection grow linearly on hostile text", () => {
  it.each(HOSTILE_SHAPES)("parseDate, parseFeedDate and detectLanguage: %s", (shape) => {
    expectLinear(
      shape,
      (text) => `2026-10-14 ${text}`,
      (value) => [parseDate(value, "Asia/Seoul"), parseDate(` ${value.slice(11)}`, "UTC"), parseFeedDate(value), detectLanguage(value)],
    );
  });
});

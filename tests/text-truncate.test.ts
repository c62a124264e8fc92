import { describe, expect, it } from "vitest";
import type { Block, Inline } from "../src/article/types.ts";
import { contentSize } from "../src/message/cut.ts";
import { fitBlocks, paginate } from "../src/message/fit.ts";
import { blocksText } from "../src/message/plain.ts";
import { ELLIPSIS, fitText, truncate } from "../src/text/truncate.ts";
import { endsOnGraphemeBoundary, graphemesOf } from "./fixtures/format/inspect.ts";

const FAMILY = "👨‍👩‍👧‍👦";
const KOREA_FLAG = "🇰🇷";
const THUMBS_MEDIUM = "👍🏽";
const HANGUL = "한국어 뉴스 속보";
const HANGUL_NFD = HANGUL.normalize("NFD");

/** Strings where a careless cut would break a user-perceived character. */
const TRICKY = [
  `${FAMILY}${FAMILY}${KOREA_FLAG}${THUMBS_MEDIUM}${FAMILY}`,
  `${KOREA_FLAG}${KOREA_FLAG}${KOREA_FLAG}${KOREA_FLAG}`,
  `좋아요${THUMBS_MEDIUM}${THUMBS_MEDIUM}최고${FAMILY}`,
  HANGUL.repeat(3),
  HANGUL_NFD.repeat(3),
  "속보속보속보속보속보속보속보속보",
  "微软云服务中断影响亚太地区用户",
  `e\u0301te\u0301 ${FAMILY} cafe\u0301 ${KOREA_FLAG}`,
];

describe("truncate", () => {
  it("returns text that already fits unchanged", () => {
    expect(truncate(HANGUL, HANGUL.length)).toBe(HANGUL);
  });

  for (const text of TRICKY) {
    it(`never splits a grapheme and ends with "…" at any limit: ${JSON.stringify(text.slice(0, 12))}`, () => {
      for (let max = 1; max < text.length; max++) {
        const out = truncate(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out.endsWith(ELLIPSIS)).toBe(true);
        const kept = out.slice(0, -ELLIPSIS.length);
        expect(endsOnGraphemeBoundary(text, kept)).toBe(true);
      }
    });
  }

  it("never splits a grapheme in long texts either (cut points are found in a window)", () => {
    const long = [
      `가나다 ${FAMILY}${KOREA_FLAG}${KOREA_FLAG}${KOREA_FLAG}${THUMBS_MEDIUM} 라마`.repeat(120),
      KOREA_FLAG.repeat(700),
      `x${KOREA_FLAG.repeat(700)}`,
      HANGUL_NFD.repeat(150),
      `${"a\u0301".repeat(200)}${FAMILY.repeat(100)}`,
    ];
    for (const text of long) {
      expect(text.length).toBeGreaterThan(1024);
      for (let max = 900; max < text.length; max += 37) {
        const out = truncate(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(endsOnGraphemeBoundary(text, out.slice(0, -1))).toBe(true);
      }
    }
  });

  it("keeps whole decomposed Hangul syllables (NFD jamo sequences)", () => {
    for (let max = 2; max < HANGUL_NFD.length; max++) {
      const kept = truncate(HANGUL_NFD, max).slice(0, -1);
      // Every kept cluster composes back to one precomposed syllable (or is a space).
      for (const g of graphemesOf(kept)) expect(g.normalize("NFC").length).toBe(1);
      expect(HANGUL.startsWith(kept.normalize("NFC"))).toBe(true);
    }
  });

  it("cuts at the end of a word when one is close", () => {
    const text = "Azure networking change takes Outlook offline across Asia";
    for (let max = 20; max < text.length; max++) {
      const kept = truncate(text, max).slice(0, -1);
      const next = text[kept.length];
      expect(next === " " || next === undefined, `max ${max}: ${kept}`).toBe(true);
    }
  });

  it("cuts at the end of a word in long texts too", () => {
    const text = "Azure networking change takes Outlook offline across Asia ".repeat(60);
    for (let max = 1500; max < 1600; max++) {
      const kept = truncate(text, max).slice(0, -1);
      expect(text[kept.length], `max ${max}`).toBe(" ");
    }
  });

  it("cuts Korean at the spaces between words", () => {
    const text = "애저 네트워킹 인프라 변경으로 아웃룩 접속 장애가 발생했습니다";
    const kept = truncate(text, 20).slice(0, -1);
    expect(text.slice(kept.length).startsWith(" ")).toBe(true);
    expect(kept.length).toBeGreaterThan(10);
  });

  it("falls back to grapheme cuts for Chinese without spaces, using the whole budget", () => {
    const text = "微软云服务中断影响亚太地区用户";
    expect(truncate(text, 8)).toBe(`${text.slice(0, 7)}…`);
  });

  it("falls back to a grapheme cut inside one very long word rather than keeping nothing", () => {
    const word = "Supercalifragilisticexpialidocious";
    expect(truncate(word, 10)).toBe(`${word.slice(0, 9)}…`);
  });
});

describe("fitText", () => {
  it("shrinks source text until its escaped rendering fits", () => {
    const escapeMarks = (s: string) => s.replace(/[*_]/g, "\\$&");
    const text = "*_".repeat(200);
    const out = fitText(text, escapeMarks, 101);
    expect(out.length).toBeLessThanOrEqual(101);
    expect(out.endsWith("…")).toBe(true);
    // Binary search should find the longest fit: 50 pairs escaped is 100 characters, plus "…" is 101.
    expect(out.length).toBe(101);
    expect(out.slice(0, -1).replace(/\\/g, "")).toBe(text.slice(0, 50));
  });
});

const t = (value: string): Inline => ({ type: "text", value });

/** HTML-like render so balance can be checked: every span opens and closes. */
function renderTags(blocks: Block[]): string {
  const inline = (nodes: Inline[]): string =>
    nodes
      .map((n): string => {
        switch (n.type) {
          case "text":
            return n.value.replace(/&/g, "&amp;").replace(/</g, "&lt;");
          case "code":
            return `<code>${n.value.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</code>`;
          case "break":
            return "\n";
          case "link":
            return `<a href="${n.url}">${inline(n.children)}</a>`;
          case "strong":
            return `<b>${inline(n.children)}</b>`;
          case "emphasis":
            return `<i>${inline(n.children)}</i>`;
          default:
            return `<s>${inline(n.children)}</s>`;
        }
      })
      .join("");
  return blocks
    .map((b) => {
      if (b.type === "code") return `<pre>${b.value.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</pre>`;
      if (b.type === "list") return b.items.map((item) => `• ${inline(item)}`).join("\n");
      return inline(b.children);
    })
    .join("\n\n");
}
const visible = (html: string) => html.replace(/<[^>]*>/g, "").replace(/&(amp|lt);/g, "&").length;

function richBody(paragraphs: number): Block[] {
  return Array.from({ length: paragraphs }, (_, i) => ({
    type: "paragraph" as const,
    children: [
      t(`단락 ${i}: 서비스 장애가 `),
      {
        type: "strong" as const,
        children: [t("아시아 & 태평양 "), { type: "emphasis" as const, children: [t(`지역 ${FAMILY}에서`)] }],
      },
      t(" 발생했고 "),
      { type: "link" as const, url: "https://example.com/a?b=1&c=2", children: [t("공지 <원문>")] },
      t(`를 통해 ${KOREA_FLAG} 확인되었습니다.`),
    ],
  }));
}

describe("fitBlocks", () => {
  it("returns blocks unchanged when the rendering already fits", () => {
    const blocks = richBody(2);
    const fitted = fitBlocks(blocks, renderTags, 10_000, visible);
    expect(fitted.truncated).toBe(false);
    expect(fitted.blocks).toBe(blocks);
  });

  it("cuts the model, not the markup: output fits, tags stay balanced, text ends with …", () => {
    const blocks = richBody(40);
    for (const limit of [50, 73, 128, 500, 1024]) {
      const fitted = fitBlocks(blocks, renderTags, limit, visible);
      expect(fitted.truncated).toBe(true);
      expect(visible(fitted.output)).toBeLessThanOrEqual(limit);
      const opened = fitted.output.match(/<[a-z]+[ >]/g)?.length ?? 0;
      const closed = fitted.output.match(/<\/[a-z]+>/g)?.length ?? 0;
      expect(opened).toBe(closed);
      expect(fitted.output.replace(/<[^>]*>/g, "").endsWith("…")).toBe(true);
      // Binary search keeps close to the limit instead of giving up early.
      expect(visible(fitted.output)).toBeGreaterThan(limit - 40);
    }
  });

  it("never leaves half an entity, emoji or flag behind", () => {
    const blocks = richBody(10);
    for (let limit = 10; limit < 300; limit += 7) {
      const out = fitBlocks(blocks, renderTags, limit, visible).output;
      const text = out.replace(/<[^>]*>/g, "");
      expect(text).not.toMatch(/&(?!amp;|lt;)/);
      for (const g of graphemesOf(text)) {
        if (g.includes("\u200d")) expect(g).toBe(FAMILY);
        if (/\p{Regional_Indicator}/u.test(g)) expect(g).toBe(KOREA_FLAG);
      }
    }
  });

  it("renders only O(log n) times for a 10,000-character body", () => {
    const blocks: Block[] = [{ type: "paragraph", children: [t("가나다라 마바사 ".repeat(1250))] }];
    let renders = 0;
    const counting = (b: Block[]) => {
      renders++;
      return renderTags(b);
    };
    fitBlocks(blocks, counting, 4096, visible);
    expect(renders).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(4096)) + 1);
  });
});

describe("paginate", () => {
  it("spreads a long body over pages that each fit, losing nothing", () => {
    const blocks = richBody(60);
    const pages = paginate(blocks, renderTags, 700, 50, visible);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(visible(page)).toBeLessThanOrEqual(700);
    const shown = pages
      .map((p) =>
        p
          .replace(/<[^>]*>/g, "")
          .replace(/&amp;/g, "&")
          .replace(/&lt;/g, "<"),
      )
      .join("\n\n");
    const squash = (s: string) => s.replace(/\s+/g, "");
    expect(squash(shown)).toBe(squash(blocksText(blocks)));
  });

  it("splits inside a block only when one block alone is too long", () => {
    const long: Block = { type: "paragraph", children: [t("장애 ".repeat(400))] };
    const short: Block = { type: "paragraph", children: [t("짧은 단락")] };
    const pages = paginate([short, short, long, short], renderTags, 500, 50, visible);
    expect(pages[0]).toBe("짧은 단락\n\n짧은 단락");
    expect(pages.at(-1)?.endsWith("짧은 단락")).toBe(true);
  });

  it("ends the last allowed page with … when content is left over", () => {
    const blocks = richBody(200);
    const pages = paginate(blocks, renderTags, 300, 3, visible);
    expect(pages).toHaveLength(3);
    expect(pages[2]!.replace(/<[^>]*>/g, "").endsWith("…")).toBe(true);
    expect(contentSize(blocks)).toBeGreaterThan(900);
  });
});

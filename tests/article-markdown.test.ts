/**
 * Markdown without raw HTML is turned into the HTML tree straight from
 * markdown-it's tokens; with raw HTML it is rendered and re-read by the HTML
 * parser. Both roads must give the reader the same article. Appending an
 * empty raw-HTML paragraph forces the second road on the same Markdown.
 */
import { describe, expect, it } from "vitest";
import { blockText, extractBlocks, inlineText } from "../src/article/blocks.ts";
import { bodyToHast } from "../src/article/hast.ts";
import { parsePost } from "../src/article/index.ts";

const FORCE_HTML_PARSE = "\n\n<span></span>\n";

function bothRoads(markdown: string) {
  const direct = extractBlocks(bodyToHast(markdown), "https://news.example.kr/");
  const viaHtml = extractBlocks(bodyToHast(markdown + FORCE_HTML_PARSE), "https://news.example.kr/");
  return { direct, viaHtml };
}

const withoutElements = (extracted: ReturnType<typeof extractBlocks>) => ({
  blocks: extracted.blocks,
  images: extracted.images,
  tables: extracted.tables.map((t) => t.table),
});

const EVERY_CONSTRUCT = `# 장애 발생 *속보*

Outlook **접속 장애**가 _계속_되고 ~~복구~~ 있다. [공지](/notice "제목") 참고, <https://status.example.com/>
자세한 내용은 \`status\` 페이지에서.  
강제 줄바꿈 뒤 문장과 백슬래시 줄바꿈\\
그리고 &amp; &copy; 1 < 2 > 0 문자.

![장애 화면](/img/outage.png)

- 첫째 항목
- 둘째 **항목**

3. 셋째

   문단이 있는 항목
4. 넷째

> 인용문 첫 줄
> 둘째 줄

\`\`\`ts title="x"
const 장애 = true;
\`\`\`

    들여쓴 코드

| 시점 | 내용 |
| :--- | ---: |
| 오후 1시 | 접속 장애 시작 |
| 오후 3시 | **복구** 완료 |

---

마지막 문단.
`;

describe("Markdown without raw HTML", () => {
  it("gives the same blocks, links, images and tables as the HTML parser road", () => {
    const { direct, viaHtml } = bothRoads(EVERY_CONSTRUCT);
    expect(withoutElements(direct)).toEqual(withoutElements(viaHtml));
    // And the content is really there, not two equally empty results.
    expect(direct.blocks.map((b) => b.type)).toEqual([
      "heading",
      "paragraph",
      "list",
      "list",
      "quote",
      "code",
      "code",
      "paragraph",
    ]);
    expect(direct.images).toEqual(["https://news.example.kr/img/outage.png"]);
    expect(direct.tables[0]?.table).toEqual({
      header: ["시점", "내용"],
      rows: [
        ["오후 1시", "접속 장애 시작"],
        ["오후 3시", "복구 완료"],
      ],
    });
  });

  it("keeps tight list items without paragraphs and code languages from the fence", () => {
    const { direct } = bothRoads("- a\n- b\n\n```python\nprint(1)\n```\n");
    expect(direct.blocks[0]).toEqual({
      type: "list",
      ordered: false,
      items: [[{ type: "text", value: "a" }], [{ type: "text", value: "b" }]],
    });
    expect(direct.blocks[1]).toEqual({ type: "code", value: "print(1)", lang: "python" });
  });

  it("decodes entities once, as text, never as markup", () => {
    const { direct, viaHtml } = bothRoads("&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;");
    expect(direct.blocks).toEqual([
      { type: "paragraph", children: [{ type: "text", value: "<script>alert(1)</script> &amp;" }] },
    ]);
    expect(viaHtml.blocks).toEqual(direct.blocks);
  });
});

describe("footnotes", () => {
  const post = `---
title: Incident report
---
The token leaked[^1] and was revoked[^note].

[^1]: In a public image.
[^note]: Within 17 minutes, see [the log](https://status.example.com/log).
`;

  it("keep their markers as text and end the body as a numbered list, without back-links or page anchors", () => {
    const article = parsePost(post, "incident.md", { baseUrl: "https://example.org" });
    const [first] = article.body;
    const last = article.body.at(-1);
    if (!first || last?.type !== "list") throw new Error(`unexpected body: ${JSON.stringify(article.body)}`);
    expect(blockText(first)).toBe("The token leaked[1] and was revoked[2].");
    expect(last.ordered).toBe(true);
    expect(last.items.map(inlineText)).toEqual(["In a public image.", "Within 17 minutes, see the log."]);
    expect(last.items[1]).toContainEqual({
      type: "link",
      url: "https://status.example.com/log",
      children: [{ type: "text", value: "the log" }],
    });
    // The [1] marker pointed at "#fn1": not a link to the site's home page.
    expect(JSON.stringify(article.body)).not.toContain("#fn");
    expect(article.text).not.toContain("[^1]");
    expect(article.text).not.toContain("↩");
  });
});

describe("Korean range notation", () => {
  it("keeps 16~18일 and 80~100㎜ as written instead of striking the text between two tildes", () => {
    const [paragraph] = extractBlocks(
      bodyToHast("16~18일 예상 강수량은 경기북부 80~100㎜, ~~취소된 예보~~는 지운다."),
      null,
    ).blocks;
    if (paragraph?.type !== "paragraph") throw new Error("expected a paragraph");
    expect(inlineText(paragraph.children)).toBe("16~18일 예상 강수량은 경기북부 80~100㎜, 취소된 예보는 지운다.");
    // Double tildes are still strikethrough.
    expect(paragraph.children).toContainEqual({ type: "strike", children: [{ type: "text", value: "취소된 예보" }] });
  });
});

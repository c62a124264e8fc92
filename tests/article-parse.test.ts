import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ArticleParseError, parsePost } from "../src/article/index.ts";
import { examplePost, fixture } from "./helpers/paths.ts";

const read = (name: string) => readFileSync(fixture("posts", name));

describe("parsePost: the seed-shaped Korean breaking-news post", () => {
  const article = parsePost(readFileSync(examplePost), examplePost, { baseUrl: "https://news.example.kr" });

  it("reads title, categories, tags and a timezone-aware date", () => {
    expect(article.title).toBe("[속보] 하늘클라우드 결제 API 장애, 국내 쇼핑몰 결제 3시간 중단");
    expect(article.categories).toEqual(["News"]);
    expect(article.tags).toEqual(["장애", "클라우드", "결제"]);
    expect(article.date).toBe("2026-10-14T07:40:00.000Z"); // 16:40 KST
    expect(article.language).toBe("ko");
  });

  it("resolves the permalink and lead image against the site base URL", () => {
    expect(article.url).toBe("https://news.example.kr/news/2026/10/14/haneul-cloud-payment-outage/");
    expect(article.image).toBe("https://news.example.kr/assets/img/herald_breaking.png");
    expect(article.source).toBe("news.example.kr");
  });

  it("finds the 시점/내용 timeline with its rows and Korean text intact", () => {
    expect(article.timeline?.labels).toEqual(["시점", "내용"]);
    expect(article.timeline?.rows.map((r) => r.time)).toEqual(["오후 1:42", "오후 2:15", "오후 3:30", "오후 4:40"]);
    expect(article.timeline?.rows[1]?.event).toBe('하늘클라우드, 상태 페이지에 "결제 API 장애 조사 중" 공지');
  });

  it("keeps headings, paragraphs, emphasis and links as neutral blocks", () => {
    expect(article.body[0]).toEqual({
      type: "heading",
      depth: 1,
      children: [{ type: "text", value: "하늘클라우드 결제 API 장애, 쇼핑몰 결제 중단" }],
    });
    const paragraph = article.body.find((b) => b.type === "paragraph" && JSON.stringify(b).includes("상태 페이지"));
    expect(JSON.stringify(paragraph)).toContain(
      '"type":"link","url":"https://status.example.com/incidents/2026-10-14"',
    );
    expect(JSON.stringify(article.body)).toContain(
      '{"type":"strong","children":[{"type":"text","value":"결제 오류"}]}',
    );
  });

  it("takes the front-matter excerpt and indexes all text for search", () => {
    expect(article.excerpt.startsWith("가상의 클라우드 사업자 하늘클라우드의 결제 API에서 장애가 발생해")).toBe(true);
    expect(article.text).toContain("데이터베이스 설정 변경을 원인으로 확인");
  });

  it("gives the same id for the same post and a different one for another", () => {
    const again = parsePost(readFileSync(examplePost), examplePost, { baseUrl: "https://news.example.kr" });
    const other = parsePost(read("toml-front-matter.md"), "toml-front-matter.md");
    expect(again.id).toBe(article.id);
    expect(other.id).not.toBe(article.id);
  });
});

describe("parsePost: front matter variants", () => {
  it("reads TOML (+++) front matter and a GFM pipe timeline", () => {
    const a = parsePost(read("toml-front-matter.md"), "toml-front-matter.md");
    expect(a.title).toBe("서울 지하철 2호선 운행 지연");
    expect(a.date).toBe("2026-03-01T23:10:00.000Z");
    expect(a.excerpt).toBe("신호 장애로 2호선 내선순환 열차가 최대 20분 지연됐다.");
    expect(a.timeline?.labels).toEqual(["시간", "상황"]);
    expect(a.timeline?.rows).toHaveLength(3);
  });

  it("reads a bare JSON object as front matter, keys case-insensitively", () => {
    const a = parsePost(read("json-front-matter.md"), "json-front-matter.md", {
      baseUrl: "https://status.example.org",
    });
    expect(a.title).toBe("Registry read-only for 25 minutes");
    expect(a.url).toBe("https://status.example.org/incidents/registry-read-only");
    expect(a.categories).toEqual(["Incidents"]);
    expect(a.language).toBe("en");
  });

  it("handles CRLF line endings throughout", () => {
    const a = parsePost(read("crlf.md"), "crlf.md");
    expect(a.title).toBe("CRLF 줄바꿈 글");
    expect(a.timeline?.rows.map((r) => r.event)).toEqual(["시작", "종료"]);
  });

  it("reads a zoneless date in the site's zone (Seoul for Korean posts)", () => {
    const a = parsePost("---\ntitle: 날짜\ndate: 2026-01-01 09:00\n---\n본문", "x.md");
    expect(a.date).toBe("2026-01-01T00:00:00.000Z");
    const utc = parsePost("---\ntitle: date\ndate: 2026-01-01 09:00\n---\nbody", "x.md", { timeZone: "UTC" });
    expect(utc.date).toBe("2026-01-01T09:00:00.000Z");
  });

  it("takes the date from a Jekyll file name when front matter has none", () => {
    const a = parsePost("---\ntitle: t\n---\nbody", "_posts/2017-2-5-zeroes.md");
    expect(a.date?.startsWith("2017-02-0")).toBe(true);
  });
});

describe("parsePost: bad input names the file and the reason", () => {
  const failure = (raw: string | Uint8Array, name: string) => {
    try {
      parsePost(raw, name);
    } catch (error) {
      return error as ArticleParseError;
    }
    throw new Error("expected a parse error");
  };

  it("rejects broken YAML front matter when the site asks for strict front matter", () => {
    const raw = "---\ntitle: a\ntitle: b\ncategories: [News\n---\nbody";
    let error: unknown;
    try {
      parsePost(raw, "broken-yaml.md", { strictFrontMatter: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArticleParseError);
    expect((error as Error).message).toMatch(/^broken-yaml\.md: broken front matter: /);
  });

  it("rejects a post without a title", () => {
    expect(failure(read("no-title.md"), "no-title.md").message).toBe(
      "no-title.md: no title (front matter has no `title`)",
    );
  });

  it("rejects binary junk and invalid UTF-8", () => {
    expect(failure(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), "junk.bin").message).toBe(
      "junk.bin: binary data, not a text post",
    );
    expect(failure(new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x0a]), "latin.md").message).toBe(
      "latin.md: not valid UTF-8 text",
    );
  });

  it("rejects markup nested hundreds of thousands deep instead of overflowing the stack", () => {
    const nestedTags = `---\ntitle: Deep\n---\n${"<div>".repeat(200_000)}`;
    const nestedEmphasis = `---\ntitle: Deep\n---\n${"*".repeat(100_000)}x${"*".repeat(100_000)}`;
    const deepExcerpt = `---\ntitle: Deep\nexcerpt: "${"<b>".repeat(200_000)}x"\n---\nbody`;
    for (const [raw, name] of [
      [nestedTags, "tags.md"],
      [nestedEmphasis, "emphasis.md"],
      [deepExcerpt, "excerpt.md"],
    ] as const) {
      const error = failure(raw, name);
      expect(error).toBeInstanceOf(ArticleParseError);
      expect(error.message).toBe(`${name}: markup nested too deeply to read`);
    }
  });
});

describe("parsePost: hostile HTML", () => {
  const a = parsePost(read("hostile.md"), "hostile.md");
  const everything = JSON.stringify(a);

  it("drops scripts, iframes, styles and event handlers from the text", () => {
    expect(everything).not.toMatch(/steal|alert|<script|iframe|onclick|background/);
  });

  it("never turns javascript: links into links, keeps https ones", () => {
    expect(everything).not.toContain("javascript:");
    expect(everything).toContain('"url":"https://example.com/ok"');
  });

  it("keeps mention-like text as plain text for the formatters to neutralise", () => {
    expect(a.title).toBe("Hostile <b>markup</b> @everyone <!channel>");
    expect(a.text).toContain("<@&123456789>");
  });
});

describe("articleFromFields: feed items are HTML", () => {
  const html = `<p>Markets fell 2 * 3 percent *today* and</p>

    <p>an indented paragraph after a blank line</p>
<table><tr><th>Time</th><th>Event</th></tr><tr><td>09:00</td><td>Open</td></tr><tr><td>09:30</td><td>Halt</td></tr></table>
<script>alert(1)</script>`;

  it("reads the body as HTML: indentation is not a code block and * is not emphasis", async () => {
    const { articleFromFields } = await import("../src/article/index.ts");
    const a = articleFromFields({ title: "t", body: html, bodyFormat: "html" }, "feed#1");
    expect(a.body.map((b) => b.type)).toEqual(["paragraph", "paragraph"]);
    expect(a.body[0]).toEqual({
      type: "paragraph",
      children: [{ type: "text", value: "Markets fell 2 * 3 percent *today* and" }],
    });
    expect(a.timeline?.rows.map((r) => r.event)).toEqual(["Open", "Halt"]);
    expect(JSON.stringify(a)).not.toContain("alert");
  });

  it("would have misread the same HTML as Markdown (why feeds say so)", async () => {
    const { articleFromFields } = await import("../src/article/index.ts");
    const a = articleFromFields({ title: "t", body: html }, "post.md");
    expect(a.body.some((b) => b.type === "code")).toBe(true);
  });
});

describe("findTimeline", () => {
  it("does not take a price table for a timeline", () => {
    const a = parsePost(read("price-table.md"), "price-table.md");
    expect(a.tables).toHaveLength(1);
    expect(a.timeline).toBeNull();
  });

  it("accepts times written many ways", async () => {
    const { isTimeCell } = await import("../src/article/index.ts");
    for (const cell of [
      "11:00 AM",
      "13:05",
      "오후 1시",
      "2026-10-14 16:40",
      "07:02 UTC",
      "2023년 9월",
      "5일 오후 6시 36분",
      "Oct 14",
      "1994/2/14",
      "6月16日",
    ]) {
      expect(isTimeCell(cell), cell).toBe(true);
    }
    for (const cell of ["목포 → 홍도", "45,000원", "Gone with the wind", "사용자가 보고", ""]) {
      expect(isTimeCell(cell), cell).toBe(false);
    }
  });

  it("needs most rows to be times", () => {
    const md = "---\ntitle: t\n---\n\n| a | b |\n|---|---|\n| 10:00 | x |\n| 서울 | y |\n| 부산 | z |\n";
    expect(parsePost(md, "t.md").timeline).toBeNull();
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { feedSchema } from "../config/schema.ts";
import { NotPublishedError, parsePost } from "../src/article/index.ts";
import { derivePostUrl, detectSite, type SiteInfo } from "../src/site/index.ts";
import { jekyllSlugify, titleizeSlug } from "../src/site/slug.ts";
import { siteFixture } from "./helpers/sites.ts";

const jekyll: SiteInfo = {
  generator: "jekyll",
  root: "/site",
  baseUrl: "https://example.com/",
  permalink: null,
  permalinks: {},
  timeZone: "Asia/Seoul",
  future: false,
  strictFrontMatter: false,
  markdownExt: ["md"],
  contentDir: "content",
};
const date = "2026-03-04T20:05:06.000Z"; // 2026-03-05 05:05:06 in Seoul
const jekyllUrl = (
  permalink: string | null,
  data: Record<string, unknown> = {},
  sitePath = "_posts/2026-03-05-Cloud Outage!.md",
) =>
  derivePostUrl(
    { ...jekyll, permalink },
    { sitePath, data: { categories: ["Breaking News", "IT"], ...data }, title: "t", date },
    jekyll.baseUrl,
  );

describe("Jekyll permalinks", () => {
  // A listed category keeps its space (Jekyll escapes it); a space-separated string would be two categories.
  it("applies the built-in styles, date (the default), pretty, ordinal and none, with the date in the site's zone", () => {
    expect(jekyllUrl(null).url).toBe("https://example.com/breaking%20news/it/2026/03/05/Cloud-Outage!.html");
    expect(jekyllUrl("pretty").url).toBe("https://example.com/breaking%20news/it/2026/03/05/Cloud-Outage!/");
    expect(jekyllUrl("ordinal").url).toBe("https://example.com/breaking%20news/it/2026/064/Cloud-Outage!.html");
    expect(jekyllUrl("none").url).toBe("https://example.com/breaking%20news/it/Cloud-Outage!.html");
  });

  it("fills every placeholder of a custom pattern", () => {
    const url = jekyllUrl("/:short_year/:i_month/:i_day/:hour:minute:second/:slug/:name:output_ext", {
      categories: [],
    }).url;
    expect(url).toBe("https://example.com/26/3/5/050506/cloud-outage/2026-03-05-cloud-outage.html");
  });

  it("uses front matter slug for :title and :slug, keeps Hangul, and categories from folders above _posts/", () => {
    const url = jekyllUrl(
      "/:categories/:title/",
      { categories: "속보", slug: "결제 장애" },
      "news/_posts/2026-03-05-x.md",
    ).url;
    expect(url).toBe(`https://example.com/news/${encodeURI("속보/결제-장애")}/`);
  });

  it("slugifies and titleizes as Jekyll does", () => {
    expect(jekyllSlugify("Hello, World! 안녕")).toBe("hello-world-안녕");
    expect(jekyllSlugify("Hello, World!", { mode: "pretty", cased: true })).toBe("Hello,-World!");
    expect(titleizeSlug("empty-yaml")).toBe("Empty Yaml");
    expect(titleizeSlug("i-dont-like-JSON")).toBe("I Dont Like Json");
  });

  it("says why a URL cannot be derived", () => {
    expect(
      derivePostUrl(
        { ...jekyll, permalink: "/:year/:title/" },
        { sitePath: "_posts/x.md", data: {}, title: "t", date: null },
        jekyll.baseUrl,
      ),
    ).toEqual({
      url: null,
      reason: "permalink '/:year/:title/' needs :year, which the post lacks",
    });
    expect(
      derivePostUrl(jekyll, { sitePath: "_posts/2026-03-05-x.md", data: {}, title: "t", date }, null).url,
    ).toBeNull();
  });
});

describe("Jekyll posts read through parsePost", () => {
  const noZone: SiteInfo = { ...jekyll, timeZone: null };
  const post = (title: string) => `---\ntitle: ${title}\ncategories: [news]\n---\n본문입니다.\n`;

  it("dates a zoneless Korean post's permalink in the zone its date was read in, not in UTC", () => {
    // Jekyll titles the URL from the file's own date; read in Asia/Seoul it is 2024-07-10T15:00Z, still the 11th there.
    const article = parsePost(post("정전 속보"), "/site/_posts/2024-07-11-1949.md", {
      site: noZone,
      sitePath: "_posts/2024-07-11-1949.md",
    });
    expect(article.date).toBe("2024-07-10T15:00:00.000Z");
    expect(article.url).toBe("https://example.com/news/2024/07/11/1949.html");
  });

  it("never publishes a file in _posts/ that is not date-named, as Jekyll does not", () => {
    expect(() => parsePost(post("고양이"), "/site/_posts/cat.md", { site: jekyll, sitePath: "_posts/cat.md" })).toThrow(
      NotPublishedError,
    );
    expect(() => parsePost(post("고양이"), "/site/_posts/cat.md", { site: jekyll, sitePath: "_posts/cat.md" })).toThrow(
      /not a post/,
    );
  });
});

describe("future-dated posts by generator", () => {
  const root = mkdtempSync(join(tmpdir(), "herald-site-future-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const future = new Date(Date.now() + 86_400_000).toISOString();
  const post = `+++\ntitle = "내일 배포"\ndate = ${future}\n+++\n본문\n`;

  it("publishes them on Zola, which renders every page that is not a draft, unless the feed's site: says future: false", () => {
    mkdirSync(join(root, "zola/content/blog"), { recursive: true });
    writeFileSync(join(root, "zola/config.toml"), 'base_url = "https://zola.example/"\n');
    const site = detectSite(join(root, "zola/content/blog"));
    expect(site?.generator).toBe("zola");
    const article = parsePost(post, join(root, "zola/content/blog/tomorrow.md"), {
      site,
      sitePath: "content/blog/tomorrow.md",
    });
    expect(article.url).toBe("https://zola.example/blog/tomorrow/");
    const held = detectSite(join(root, "zola/content/blog"), { future: false });
    expect(() =>
      parsePost(post, join(root, "zola/content/blog/tomorrow.md"), {
        site: held,
        sitePath: "content/blog/tomorrow.md",
      }),
    ).toThrow(NotPublishedError);
  });

  it("schedules them on Hugo unless buildFuture", () => {
    mkdirSync(join(root, "hugo/content/posts"), { recursive: true });
    writeFileSync(join(root, "hugo/hugo.toml"), 'baseURL = "https://hugo.example/"\n');
    const site = detectSite(join(root, "hugo/content/posts"));
    expect(() =>
      parsePost(post, join(root, "hugo/content/posts/tomorrow.md"), { site, sitePath: "content/posts/tomorrow.md" }),
    ).toThrow(/scheduled for/);
  });
});

describe("Hugo and Zola paths", () => {
  const hugo: SiteInfo = {
    ...jekyll,
    generator: "hugo",
    permalinks: { news: "/:section/:year/:month/:day/:filename/", notes: "/n/:title/" },
  };
  const hugoUrl = (sitePath: string, data: Record<string, unknown> = {}, title = "Cloud Outage") =>
    derivePostUrl(hugo, { sitePath, data, title, date }, hugo.baseUrl).url;

  it("applies [permalinks] per section, names bundles by their folder, and defaults to /section/slug-or-file/", () => {
    expect(hugoUrl("content/news/outage.md")).toBe("https://example.com/news/2026/03/05/outage/");
    expect(hugoUrl("content/news/outage/index.md")).toBe("https://example.com/news/2026/03/05/outage/");
    expect(hugoUrl("content/notes/a.md")).toBe("https://example.com/n/cloud-outage/");
    expect(hugoUrl("content/posts/My-Post.md")).toBe("https://example.com/posts/my-post/");
    expect(hugoUrl("content/posts/x.md", { slug: "custom" })).toBe("https://example.com/posts/custom/");
  });

  it("Zola: section folders plus slug or file name; path as written", () => {
    const zola: SiteInfo = { ...jekyll, generator: "zola" };
    const zolaUrl = (sitePath: string, data: Record<string, unknown> = {}) =>
      derivePostUrl(zola, { sitePath, data, title: "t", date }, zola.baseUrl).url;
    expect(zolaUrl("content/blog/2026-03-05_Big News.md")).toBe("https://example.com/blog/big-news/");
    expect(zolaUrl("content/blog/outage/index.md")).toBe("https://example.com/blog/outage/");
    expect(zolaUrl("content/blog/x.md", { path: "/a/b" })).toBe("https://example.com/a/b/");
  });
});

describe("site detection and the feed's site: override", () => {
  const dir = mkdtempSync(join(tmpdir(), "herald-site-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds each fixture site from its posts folder", () => {
    expect(detectSite(siteFixture("jekyll", "_posts"))?.generator).toBe("jekyll");
    expect(detectSite(siteFixture("hugo", "content", "posts"))?.generator).toBe("hugo");
    expect(detectSite(siteFixture("zola", "content", "blog"))?.generator).toBe("zola");
  });

  it("tells a Hugo config.toml (baseURL) from a Zola one (base_url)", () => {
    mkdirSync(join(dir, "hugo-old", "content"), { recursive: true });
    writeFileSync(join(dir, "hugo-old", "config.toml"), 'baseURL = "https://h.example/"\nbuildFuture = true\n');
    expect(detectSite(join(dir, "hugo-old", "content"))).toMatchObject({
      generator: "hugo",
      baseUrl: "https://h.example/",
      future: true,
    });
  });

  it("lets the override change what was found, or stand in for a site without a config", () => {
    const site = detectSite(siteFixture("jekyll", "_posts"), {
      url: "https://mirror.example",
      timezone: "UTC",
      future: true,
      markdownExt: ["txt"],
    });
    expect(site).toMatchObject({
      generator: "jekyll",
      baseUrl: "https://mirror.example/news/",
      timeZone: "UTC",
      future: true,
      markdownExt: ["txt"],
    });
    mkdirSync(join(dir, "bare"));
    expect(detectSite(join(dir, "bare"))).toBeNull();
    expect(
      detectSite(join(dir, "bare"), {
        generator: "jekyll",
        url: "https://b.example",
        baseurl: "/blog",
        permalink: "pretty",
      }),
    ).toMatchObject({
      generator: "jekyll",
      baseUrl: "https://b.example/blog/",
      permalink: "pretty",
    });
  });

  it("validates a directory feed's site: block, naming the wrong key", () => {
    const feed = { id: "news", type: "directory", path: "./_posts" };
    const site = {
      generator: "jekyll",
      url: "https://a.example",
      baseurl: "/news",
      permalink: "pretty",
      timezone: "Asia/Seoul",
      future: false,
      strictFrontMatter: true,
      markdownExt: ["mkdn"],
    };
    expect(feedSchema.parse({ ...feed, site })).toMatchObject({ site });
    const bad = feedSchema.safeParse({ ...feed, site: { timezone: "Mars/Olympus", generator: "gatsby" } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).sort()).toEqual([
      expect.stringMatching(/^site\.generator: /),
      "site.timezone: must be an IANA time zone such as Asia/Seoul",
    ]);
  });

  it("names the config file it cannot read", () => {
    mkdirSync(join(dir, "broken"));
    writeFileSync(join(dir, "broken", "_config.yml"), "url: [unclosed\n");
    expect(() => detectSite(join(dir, "broken"))).toThrow(/broken\/_config\.yml: cannot read the site config: /);
  });
});

describe("posts without a site", () => {
  it("titles a page without front matter by its leading # heading, which leaves the body", () => {
    const article = parsePost("# 결제 장애 사후 보고서\n\n원인은 설정 오류였다.\n", "incidents/report.md");
    expect(article.title).toBe("결제 장애 사후 보고서");
    expect(JSON.stringify(article.body)).not.toContain("사후 보고서");
  });

  it("decodes UTF-16BE and UTF-32LE with a byte-order mark", () => {
    const text = "---\ntitle: 유니코드 기사\ndate: 2026-01-01\n---\n본문\n";
    const be = Buffer.from(text, "utf16le").swap16();
    expect(parsePost(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), "be.md").title).toBe("유니코드 기사");
    const utf32 = Buffer.alloc(4 + [...text].length * 4);
    utf32.set([0xff, 0xfe, 0, 0]);
    for (const [i, ch] of [...text].entries()) utf32.writeUInt32LE(ch.codePointAt(0) ?? 0, 4 + i * 4);
    expect(parsePost(utf32, "le32.md").title).toBe("유니코드 기사");
  });

  it("treats `published: false` as the Jekyll flag, not as a date, and a future date as scheduled", () => {
    expect(() => parsePost("---\ntitle: t\npublished: false\n---\nb", "_posts/2020-01-01-x.md")).toThrow(
      /unpublished \(published: false\)/,
    );
    expect(parsePost("---\ntitle: t\npublished: true\n---\nb", "_posts/2020-01-01-x.md").date).toBe(
      "2020-01-01T00:00:00.000Z",
    );
    expect(() => parsePost("---\ntitle: t\ndate: 2099-01-01T00:00:00Z\n---\nb", "x.md")).toThrow(
      /x\.md: scheduled for 2099-01-01T00:00:00\.000Z/,
    );
  });
});

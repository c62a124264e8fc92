import { describe, expect, it } from "vitest";
import { readSitePost, siteAt } from "./helpers/sites.ts";

describe("a Jekyll site (_config.yml: url + baseurl, permalink pattern, timezone Asia/Seoul)", () => {
  const { site, post } = siteAt("jekyll", "_posts");
  const read = (name: string) => readSitePost(site, post(name));

  it("is detected from _config.yml above _posts/, with Jekyll's default markdown_ext", () => {
    expect(site.generator).toBe("jekyll");
    expect(site.baseUrl).toBe("https://sky-news.example/news/");
    expect(site.permalink).toBe("/:categories/:year/:month/:day/:title/");
    expect(site.timeZone).toBe("Asia/Seoul");
    expect(site.future).toBe(false);
    expect(site.markdownExt).toContain("mkdn");
  });

  it("publishes a Korean breaking-news post at its permalink, dated in Seoul time, with a timeline card", () => {
    expect(read("2026-10-14-cloud-outage.md")).toMatchObject({
      published: true,
      title: "[속보] 하늘클라우드 서울 리전 장애로 결제 중단",
      url: "https://sky-news.example/news/breaking/2026/10/14/cloud-outage/",
      date: "2026-10-14T00:30:00.000Z",
      card: true,
      warnings: [],
    });
  });

  it("never publishes published: false", () => {
    expect(read("2026-10-15-withdrawn.md")).toEqual({
      published: false,
      reason: "unpublished (published: false)",
      publishAt: null,
    });
  });

  it("schedules a future-dated post (future: false by default) for midnight of its file-name date in the site's zone", () => {
    expect(read("2099-01-01-embargo.md")).toEqual({
      published: false,
      reason: "scheduled for 2098-12-31T15:00:00.000Z (dated in the future)",
      publishAt: "2098-12-31T15:00:00.000Z",
    });
  });

  it("publishes the same post once its time has come", () => {
    const due = readSitePost(site, post("2099-01-01-embargo.md"), Date.parse("2099-01-01T00:00:00+09:00"));
    expect(due).toMatchObject({
      published: true,
      title: "[엠바고] 새해 첫 발표",
      url: "https://sky-news.example/news/breaking/2099/01/01/embargo/",
    });
  });

  it("publishes future-dated posts when the site says future: true", () => {
    expect(readSitePost({ ...site, future: true }, post("2099-01-01-embargo.md"))).toMatchObject({ published: true });
  });

  it("titles a date-named post without a title from its file name, as Jekyll does", () => {
    expect(read("2009-06-22-empty-yaml.markdown")).toMatchObject({
      published: true,
      title: "Empty Yaml",
      url: "https://sky-news.example/news/2009/06/22/empty-yaml/",
      date: "2009-06-21T15:00:00.000Z",
      card: false,
    });
  });

  it("reads a duplicated key leniently (the last value wins) and warns", () => {
    const outcome = read("2026-10-16-duplicate-key.md");
    expect(outcome).toMatchObject({
      published: true,
      title: "하늘클라우드 장애 원인은 설정 오류",
      url: "https://sky-news.example/news/breaking/2026/10/16/duplicate-key/",
    });
    expect(outcome.published && outcome.warnings).toEqual([
      expect.stringMatching(
        /^front matter YAML error \(duplicated mapping key.*\): the last value of a repeated key was kept$/,
      ),
    ]);
  });

  it("fails a duplicated key under strict_front_matter", () => {
    expect(() => readSitePost({ ...site, strictFrontMatter: true }, post("2026-10-16-duplicate-key.md"))).toThrow(
      /duplicate-key\.md: broken front matter: duplicated mapping key/,
    );
  });

  it("recovers an unquoted [속보] title as its literal text, with a warning", () => {
    const outcome = read("2026-10-17-bracket-title.md");
    expect(outcome).toMatchObject({
      published: true,
      title: "[속보] 하늘클라우드 결제 장애 재발",
      date: "2026-10-16T22:05:00.000Z",
      card: false,
    });
    expect(outcome.published && outcome.warnings).toEqual([expect.stringMatching(/read `title` as literal text$/)]);
  });

  it("decodes a UTF-16LE post with a byte-order mark", () => {
    expect(read("2026-10-18-utf16.md")).toMatchObject({
      published: true,
      title: "윈도 메모장에서 저장한 기사",
      url: "https://sky-news.example/news/breaking/2026/10/18/utf16/",
    });
  });

  it("reads a .mkdn post", () => {
    expect(read("2026-10-19-mkdn-post.mkdn")).toMatchObject({
      published: true,
      title: "장애 보상 안내",
      url: "https://sky-news.example/news/notice/2026/10/19/mkdn-post/",
    });
  });

  it("fills placeholders in a post's own permalink, under the site's baseurl", () => {
    expect(read("2026-10-20-own-permalink.md")).toMatchObject({
      published: true,
      url: "https://sky-news.example/news/reports/2026/outage-report/",
    });
  });

  it("never publishes a post in _drafts/", () => {
    const drafts = siteAt("jekyll", "_drafts");
    expect(readSitePost(drafts.site, drafts.post("next-story.md"))).toEqual({
      published: false,
      reason: "draft (in _drafts/)",
      publishAt: null,
    });
  });
});

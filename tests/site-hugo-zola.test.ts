import { describe, expect, it } from "vitest";
import { readSitePost, siteAt } from "./helpers/sites.ts";

describe("a Hugo site (hugo.toml: baseURL, [permalinks], timeZone)", () => {
  const { site, post } = siteAt("hugo", "content", "posts");
  const read = (name: string) => readSitePost(site, post(name));

  it("is detected from hugo.toml", () => {
    expect(site).toMatchObject({
      generator: "hugo",
      baseUrl: "https://status.example.org/",
      timeZone: "Asia/Seoul",
      permalinks: { posts: "/:year/:month/:slug/" },
    });
  });

  it("publishes a post at its section's permalink pattern, :slug from the title, with a card for its timeline", () => {
    expect(read("payment-outage.md")).toMatchObject({
      published: true,
      title: "Payment API outage",
      url: "https://status.example.org/2026/10/payment-api-outage/",
      date: "2026-10-14T00:00:00.000Z",
      card: true,
    });
  });

  it("uses front matter slug, and reads a TOML date without an offset in the site's timeZone", () => {
    expect(read("login-errors.md")).toMatchObject({
      published: true,
      url: "https://status.example.org/2026/10/login-errors-resolved/",
      date: "2026-10-14T23:00:00.000Z",
      card: false,
    });
  });

  it("uses front matter url as written", () => {
    expect(read("status-page.md")).toMatchObject({
      published: true,
      url: "https://status.example.org/notices/status-page/",
    });
  });

  it("never publishes a draft", () => {
    expect(read("draft-postmortem.md")).toEqual({ published: false, reason: "draft (draft: true)", publishAt: null });
  });

  it("schedules a post whose publishDate is ahead", () => {
    expect(read("maintenance.md")).toEqual({
      published: false,
      reason: "scheduled for 2099-03-01T01:00:00.000Z (publishDate)",
      publishAt: "2099-03-01T01:00:00.000Z",
    });
  });

  it("never publishes a post past its expiryDate", () => {
    expect(read("old-notice.md")).toEqual({
      published: false,
      reason: "expired (expiryDate 2019-12-31T15:00:00.000Z)",
      publishAt: null,
    });
  });
});

describe("a Zola site (config.toml with base_url)", () => {
  const { site, post } = siteAt("zola", "content", "blog");
  const read = (name: string) => readSitePost(site, post(name));

  it("is told from Hugo by base_url", () => {
    expect(site).toMatchObject({ generator: "zola", baseUrl: "https://ops.example.net" });
  });

  it("publishes a page under its section, the date prefix dropped from the slug", () => {
    expect(read("2026-10-14-db-failover.md")).toMatchObject({
      published: true,
      title: "Database failover",
      url: "https://ops.example.net/blog/db-failover/",
      date: "2026-10-14T03:00:00.000Z",
      card: false,
    });
  });

  it("uses front matter slug and path", () => {
    expect(read("cache.md")).toMatchObject({
      published: true,
      url: "https://ops.example.net/blog/cache-incident-report/",
    });
    expect(read("special.md")).toMatchObject({ published: true, url: "https://ops.example.net/reports/special/" });
  });

  it("never publishes a draft", () => {
    expect(read("wip.md")).toEqual({ published: false, reason: "draft (draft: true)", publishAt: null });
  });
});

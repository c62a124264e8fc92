import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHerald } from "./helpers/herald.ts";
import { examplePost, fixture, projectRoot } from "./helpers/paths.ts";
import { siteFixture } from "./helpers/sites.ts";

describe("herald preview", () => {
  let work: string;
  const hits: string[] = [];
  const listener = createServer((req, res) => {
    hits.push(req.url ?? "");
    res.end("x");
  });
  let port = 0;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "herald-preview-"));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    port = (listener.address() as AddressInfo).port;
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await new Promise((resolve) => listener.close(resolve));
  });

  it("writes the card, the three payloads and preview.html for one post into the out dir", async () => {
    const out = join(work, "one");
    const result = await runHerald(["preview", examplePost, "--out", out, "--base-url", "https://news.example.kr"]);
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "card.png",
      "discord.json",
      "preview.html",
      "slack.json",
      "telegram.json",
    ]);
    const png = readFileSync(join(out, "card.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(2400);
    const discord = JSON.parse(readFileSync(join(out, "discord.json"), "utf8"));
    expect(discord.embeds[0].image.url).toBe("attachment://card.png");
    const telegram = JSON.parse(readFileSync(join(out, "telegram.json"), "utf8"));
    expect(telegram[0].method).toBe("sendPhoto");
    expect(telegram[0].params.photo).toBe("attach://card.png");
    const page = readFileSync(join(out, "preview.html"), "utf8");
    expect(page).toContain('<img src="card.png"');
    expect(page).toContain("하늘클라우드 결제 API 장애");
  });

  it("keeps going past bad inputs: one-line errors naming each file, no partial output for them, output for the rest", async () => {
    const dir = join(work, "mixed");
    const out = join(work, "mixed-out");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir);
    copyFileSync(examplePost, join(dir, "a-good.md"));
    // `title: [속보] …` is broken YAML that Herald reads as the literal headline, with a warning.
    copyFileSync(fixture("posts", "broken-yaml.md"), join(dir, "b-broken.md"));
    copyFileSync(fixture("posts", "no-title.md"), join(dir, "c-no-title.md"));
    writeFileSync(join(dir, "d-junk.md"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff]));
    copyFileSync(fixture("posts", "price-table.md"), join(dir, "e-no-timeline.md"));
    const result = await runHerald(["preview", dir, join(dir, "missing.md"), "--out", out]);
    expect(result.status).toBe(1);
    const errors = result.stderr.trim().split("\n").sort();
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(
      /^herald preview: .*b-broken\.md: warning: front matter YAML error \(.*\): read `title` as literal text$/,
    );
    expect(errors[1]).toMatch(/^herald preview: .*c-no-title\.md: no title/);
    expect(errors[2]).toMatch(/^herald preview: .*d-junk\.md: binary data, not a text post$/);
    expect(errors[3]).toMatch(/^herald preview: .*missing\.md: cannot read \(ENOENT\)$/);
    expect(readdirSync(out).sort()).toEqual(["a-good", "b-broken", "e-no-timeline"]);
    expect(readdirSync(join(out, "e-no-timeline")).sort()).toEqual([
      "discord.json",
      "preview.html",
      "slack.json",
      "telegram.json",
    ]);
    expect(existsSync(join(out, "a-good", "card.png"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "b-broken", "discord.json"), "utf8")).embeds[0].title).toContain(
      "[속보] 제목이 대괄호로",
    );
    expect(result.stdout.trim()).toBe(`herald preview: 3 articles written to ${out}, 3 failed`);
  });

  it("previews a Jekyll site's posts as it publishes them: skipped lines for what it would not publish, warnings, a summary naming the skipped", async () => {
    const posts = siteFixture("jekyll", "_posts");
    const out = join(work, "jekyll");
    const result = await runHerald(["preview", posts, "--out", out]);
    expect(result.status).toBe(0);
    const lines = result.stderr.trim().split("\n").sort();
    expect(lines).toEqual([
      expect.stringMatching(
        /^herald preview: .*2026-10-16-duplicate-key\.md: warning: front matter YAML error \(duplicated mapping key .*\): the last value of a repeated key was kept$/,
      ),
      expect.stringMatching(
        /^herald preview: .*2026-10-17-bracket-title\.md: warning: front matter YAML error .*: read `title` as literal text$/,
      ),
      `skipped ${join(posts, "2026-10-15-withdrawn.md")}: unpublished (published: false)`,
      `skipped ${join(posts, "2099-01-01-embargo.md")}: scheduled for 2098-12-31T15:00:00.000Z (dated in the future)`,
    ]);
    expect(result.stdout.trim()).toBe(
      `herald preview: 7 articles written to ${out}, 2 skipped (${join(posts, "2026-10-15-withdrawn.md")}: unpublished (published: false); ${join(posts, "2099-01-01-embargo.md")}: scheduled for 2098-12-31T15:00:00.000Z (dated in the future))`,
    );
    expect(readdirSync(out).sort()).toEqual([
      "2009-06-22-empty-yaml",
      "2026-10-14-cloud-outage",
      "2026-10-16-duplicate-key",
      "2026-10-17-bracket-title",
      "2026-10-18-utf16",
      "2026-10-19-mkdn-post",
      "2026-10-20-own-permalink",
    ]);
    const discord = JSON.parse(readFileSync(join(out, "2026-10-14-cloud-outage", "discord.json"), "utf8"));
    expect(discord.embeds[0].url).toBe("https://sky-news.example/news/breaking/2026/10/14/cloud-outage/");
    expect(existsSync(join(out, "2026-10-14-cloud-outage", "card.png"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "2009-06-22-empty-yaml", "discord.json"), "utf8")).embeds[0].title).toBe(
      "Empty Yaml",
    );
    // --base-url overrides the site's own base; the generator's path stays.
    const moved = await runHerald([
      "preview",
      join(posts, "2026-10-19-mkdn-post.mkdn"),
      "--out",
      join(work, "moved"),
      "--base-url",
      "https://mirror.example/",
    ]);
    expect(moved.status).toBe(0);
    expect(JSON.parse(readFileSync(join(work, "moved", "discord.json"), "utf8")).embeds[0].url).toBe(
      "https://mirror.example/notice/2026/10/19/mkdn-post/",
    );
  });

  it("previews Hugo and Zola sites: drafts, future publishDate and expired posts skipped, the rest written at their URLs", async () => {
    const hugoPosts = siteFixture("hugo", "content", "posts");
    const hugo = await runHerald(["preview", hugoPosts, "--out", join(work, "hugo")]);
    expect(hugo.status).toBe(0);
    expect(hugo.stderr.trim().split("\n").sort()).toEqual([
      `skipped ${join(hugoPosts, "draft-postmortem.md")}: draft (draft: true)`,
      `skipped ${join(hugoPosts, "maintenance.md")}: scheduled for 2099-03-01T01:00:00.000Z (publishDate)`,
      `skipped ${join(hugoPosts, "old-notice.md")}: expired (expiryDate 2019-12-31T15:00:00.000Z)`,
    ]);
    expect(hugo.stdout).toMatch(/^herald preview: 3 articles written to .*, 3 skipped \(/);
    expect(readdirSync(join(work, "hugo")).sort()).toEqual(["login-errors", "payment-outage", "status-page"]);
    const url = (dir: string) => JSON.parse(readFileSync(join(dir, "discord.json"), "utf8")).embeds[0].url;
    expect(url(join(work, "hugo", "payment-outage"))).toBe("https://status.example.org/2026/10/payment-api-outage/");

    const zolaPosts = siteFixture("zola", "content", "blog");
    const zola = await runHerald(["preview", zolaPosts, "--out", join(work, "zola")]);
    expect(zola.status).toBe(0);
    expect(zola.stderr.trim()).toBe(`skipped ${join(zolaPosts, "wip.md")}: draft (draft: true)`);
    expect(zola.stdout.trim()).toBe(
      `herald preview: 3 articles written to ${join(work, "zola")}, 1 skipped (${join(zolaPosts, "wip.md")}: draft (draft: true))`,
    );
    expect(url(join(work, "zola", "special"))).toBe("https://ops.example.net/reports/special/");
  });

  it("warns when a site config cannot be read and previews the posts without its rules", async () => {
    const { mkdirSync } = await import("node:fs");
    const site = join(work, "broken-site");
    mkdirSync(join(site, "_posts"), { recursive: true });
    writeFileSync(join(site, "_config.yml"), "url: [unclosed\n");
    copyFileSync(examplePost, join(site, "_posts", "2026-10-14-outage.md"));
    const result = await runHerald(["preview", join(site, "_posts"), "--out", join(work, "broken-site-out")]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(
      /^herald preview: warning: .*_config\.yml: cannot read the site config: .*; posts in .*_posts are read without the site's rules$/m,
    );
    expect(result.stdout).toMatch(/^herald preview: 1 article written to /);
  });

  it("renders hostile posts without a single request reaching a local listener, and without pings", async () => {
    const post = readFileSync(fixture("posts", "hostile.md"), "utf8").replaceAll("127.0.0.1:9", `127.0.0.1:${port}`);
    const file = join(work, "hostile.md");
    writeFileSync(file, post);
    const out = join(work, "hostile");
    const result = await runHerald(["preview", file, "--out", out]);
    expect(result.status).toBe(0);
    expect(existsSync(join(out, "card.png"))).toBe(true);
    expect(hits).toEqual([]);
    const discord = JSON.parse(readFileSync(join(out, "discord.json"), "utf8"));
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    const text = JSON.stringify(discord.embeds);
    expect(text).not.toContain("@everyone"); // "@\u200beveryone": shown, but no longer the mention syntax
    expect(text).toContain("@\u200beveryone");
    expect(discord.embeds[0].description).toContain("\\<@&123456789>"); // escaped, so Discord shows it as text
    const slack = readFileSync(join(out, "slack.json"), "utf8");
    expect(slack).not.toContain("<!channel>");
    expect(slack).toContain("&lt;!channel&gt;");
    const telegram = readFileSync(join(out, "telegram.json"), "utf8");
    expect(telegram).not.toMatch(/<script|<b>markup<\/b>/);
  });

  it("prints usage and exits 2 without inputs", () => {
    const result = spawnSync(process.execPath, [join(projectRoot, "bin/herald.mjs"), "preview"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Usage: herald <command>");
  });
});

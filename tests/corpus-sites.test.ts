/**
 * Links and cards over the real posts of ../shared/corpus, each put back at
 * the path it has in its own repository (SOURCES.tsv) under a minimal site
 * config of its generator: Jekyll for `_posts/`, Hugo for `content/` (Zola for
 * the Rust blog), none otherwise. The base URL is the repository's site
 * address (`https://<repo>` when the repository is named after its host, else
 * `https://<owner>.github.io/<repo>`): the corpus does not carry the sites'
 * own configs, so only the generators' rules are what is measured here.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Article, NotPublishedError, parsePost } from "../src/article/index.ts";
import { cardDataFromArticle } from "../src/card/index.ts";
import { detectSite } from "../src/site/index.ts";
import { corpusDir } from "./helpers/paths.ts";

interface Source {
  local: string;
  repo: string;
  path: string;
}

const sources: Source[] = readFileSync(join(corpusDir, "SOURCES.tsv"), "utf8")
  .split("\n")
  .slice(1)
  .map((line) => line.split("\t"))
  .filter(([local]) => local?.startsWith("posts/") || local?.startsWith("incidents/"))
  .map(([local, repo, path]) => ({
    local: local as string,
    repo: repo as string,
    path: (path as string).replace(/ \(.*\)$/, ""),
  }));

type Generator = "jekyll" | "hugo" | "zola" | null;

function generatorOf(source: Source): Generator {
  if (/(^|\/)_posts\//.test(source.path)) return "jekyll";
  if (source.path.startsWith("content/")) return source.repo === "rust-lang/blog.rust-lang.org" ? "zola" : "hugo";
  return null;
}

function baseUrlOf(repo: string): string {
  const [owner, name] = repo.split("/") as [string, string];
  return name.includes(".") ? `https://${name.toLowerCase()}/` : `https://${owner.toLowerCase()}.github.io/${name}/`;
}

const CONFIG: Record<Exclude<Generator, null>, [string, (base: string) => string]> = {
  jekyll: ["_config.yml", (base) => `url: "${base.replace(/\/$/, "")}"\n`],
  hugo: ["hugo.toml", (base) => `baseURL = "${base}"\n`],
  zola: ["config.toml", (base) => `base_url = "${base}"\n`],
};

type Outcome = { file: string; generator: Generator } & (
  | { kind: "article"; article: Article; frontMatterUrl: string | null }
  | { kind: "skipped"; reason: string }
  | { kind: "error"; reason: string }
);

const root = mkdtempSync(join(tmpdir(), "herald-corpus-sites-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const outcomes: Outcome[] = sources.map((source, i) => {
  const generator = generatorOf(source);
  const siteRoot = join(root, String(i));
  const file = join(siteRoot, source.path);
  mkdirSync(dirname(file), { recursive: true });
  copyFileSync(join(corpusDir, source.local), file);
  if (generator) writeFileSync(join(siteRoot, CONFIG[generator][0]), CONFIG[generator][1](baseUrlOf(source.repo)));
  const site = generator ? detectSite(dirname(file)) : null;
  const raw = readFileSync(file);
  try {
    const article = parsePost(raw, file, site ? { site, sitePath: relative(site.root, file) } : {});
    // What Herald linked before it knew sites: the front matter's own url/permalink/link/canonical.
    const frontMatterUrl = generator ? parsePost(raw, file, { now: Date.now() }).url : article.url;
    return { file: source.local, generator, kind: "article", article, frontMatterUrl };
  } catch (error) {
    const reason = (error as Error).message;
    return { file: source.local, generator, kind: error instanceof NotPublishedError ? "skipped" : "error", reason };
  }
});

describe("corpus posts as their sites publish them", () => {
  const articles = outcomes.flatMap((o) => (o.kind === "article" ? [o] : []));

  it("finds the generator of every post that has one, from a minimal config above it", () => {
    const withGenerator = outcomes.filter((o) => o.generator !== null);
    expect(withGenerator.length).toBeGreaterThan(20);
    for (const o of withGenerator)
      expect(o.kind, `${o.file}: ${o.kind === "article" ? "" : o.reason}`).not.toBe("error");
  });

  it("links every post its site publishes, where front matter alone linked few", () => {
    const inSites = articles.filter((o) => o.generator !== null);
    const linked = inSites.filter((o) => o.article.url);
    const linkedBefore = inSites.filter((o) => o.frontMatterUrl);
    const cards = articles.filter((o) => cardDataFromArticle(o.article));
    console.log(
      `corpus sites: ${outcomes.length} posts, ${articles.length} read, ${outcomes.filter((o) => o.kind === "skipped").length} skipped as unpublished, ` +
        `${outcomes.filter((o) => o.kind === "error").length} refused; in a site: ${linked.length}/${inSites.length} linked ` +
        `(front matter alone: ${linkedBefore.length}); cards: ${cards.length}/${articles.length}`,
    );
    expect(linked.map((o) => o.file)).toEqual(inSites.map((o) => o.file));
    expect(linked.length).toBeGreaterThan(linkedBefore.length);
  });

  it("derives Jekyll's default date permalink from the file name and categories", () => {
    const seedLike = articles.find((o) => o.file.includes("ko_koreanews_2024-07-11-1949"));
    expect(seedLike?.article.url).toMatch(/^https:\/\/koreanews\.github\.io\/(.+\/)?2024\/07\/11\/1949\.html$/);
    expect(seedLike && cardDataFromArticle(seedLike.article)).toBeTruthy();
  });
});

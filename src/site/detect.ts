import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import { type Generator, JEKYLL_MARKDOWN_EXT, type SiteInfo, type SiteOverride } from "./types.ts";

/** How far above the posts folder a site's config is looked for (`content/posts/2024/` is three levels down). */
const MAX_LEVELS = 6;

const HUGO_CONFIGS = ["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"];
const AMBIGUOUS_CONFIGS = ["config.toml", "config.yaml", "config.yml", "config.json"];
const JEKYLL_CONFIGS = ["_config.yml", "_config.yaml", "_config.toml"];

/**
 * Finds the site a posts folder belongs to by walking up to its config file:
 * Jekyll `_config.yml`; Hugo `hugo.*` or `config.*` with `baseURL`; Zola
 * `config.toml` with `base_url`. Then applies `override` (a feed's `site:`
 * block), which can also stand in for a site that has no config file.
 * Returns null when nothing is found and nothing is overridden.
 * Throws an Error naming the config file when it cannot be read.
 */
export function detectSite(postsDir: string, override: SiteOverride | null = null): SiteInfo | null {
  const found = findSite(resolve(postsDir));
  if (!override) return found;
  const generator = override.generator ?? found?.generator;
  if (!generator) return null;
  const base = found && found.generator === generator ? found : emptySite(generator, resolve(postsDir));
  return applyOverride(base, override);
}

function findSite(start: string): SiteInfo | null {
  let dir = start;
  for (let level = 0; level <= MAX_LEVELS; level++) {
    const site = siteAt(dir);
    if (site) return site;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function siteAt(dir: string): SiteInfo | null {
  for (const name of JEKYLL_CONFIGS) {
    const file = join(dir, name);
    if (existsSync(file)) return jekyllSite(dir, readConfig(file));
  }
  for (const name of HUGO_CONFIGS) {
    const file = join(dir, name);
    if (existsSync(file)) return hugoSite(dir, readConfig(file));
  }
  for (const name of AMBIGUOUS_CONFIGS) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const config = readConfig(file);
    // Zola writes `base_url`, Hugo `baseURL` (its keys are case-insensitive).
    if ("base_url" in config) return zolaSite(dir, config);
    if (Object.keys(config).some((key) => key.toLowerCase() === "baseurl")) return hugoSite(dir, config);
  }
  return null;
}

function readConfig(file: string): Record<string, unknown> {
  const text = readFileSync(file, "utf8");
  try {
    const value = file.endsWith(".toml")
      ? parseToml(text)
      : file.endsWith(".json")
        ? JSON.parse(text)
        : yaml.load(text, { schema: yaml.CORE_SCHEMA });
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch (error) {
    throw new Error(`${file}: cannot read the site config: ${(error as Error).message.split("\n")[0]}`);
  }
}

function emptySite(generator: Generator, root: string): SiteInfo {
  return {
    generator,
    root,
    baseUrl: null,
    permalink: null,
    permalinks: {},
    timeZone: null,
    future: false,
    strictFrontMatter: false,
    markdownExt: generator === "jekyll" ? JEKYLL_MARKDOWN_EXT : ["md"],
    contentDir: "content",
  };
}

function jekyllSite(root: string, c: Record<string, unknown>): SiteInfo {
  const markdownExt = str(c.markdown_ext);
  return {
    ...emptySite("jekyll", root),
    baseUrl: joinBase(str(c.url), str(c.baseurl)),
    permalink: str(c.permalink),
    timeZone: str(c.timezone),
    future: c.future === true,
    strictFrontMatter: c.strict_front_matter === true,
    markdownExt: markdownExt
      ? markdownExt
          .split(",")
          .map((e) => e.trim().replace(/^\./, "").toLowerCase())
          .filter(Boolean)
      : JEKYLL_MARKDOWN_EXT,
  };
}

function hugoSite(root: string, raw: Record<string, unknown>): SiteInfo {
  const c = lowerKeys(raw);
  const permalinks: Record<string, string> = {};
  const table = c.permalinks;
  if (table && typeof table === "object") {
    for (const [section, pattern] of Object.entries(table as Record<string, unknown>)) {
      if (typeof pattern === "string") permalinks[section] = pattern;
      // Hugo ≥ 0.123 nests them by kind: [permalinks.page] posts = "…".
      else if (section === "page" && pattern && typeof pattern === "object") {
        for (const [s, p] of Object.entries(pattern as Record<string, unknown>))
          if (typeof p === "string") permalinks[s] = p;
      }
    }
  }
  return {
    ...emptySite("hugo", root),
    baseUrl: str(c.baseurl),
    permalinks,
    timeZone: str(c.timezone),
    future: c.buildfuture === true,
    contentDir: str(c.contentdir) ?? "content",
  };
}

function zolaSite(root: string, c: Record<string, unknown>): SiteInfo {
  // Zola renders every page that is not a draft, whatever its date; a feed's `site: { future: false }` holds future posts back.
  return { ...emptySite("zola", root), baseUrl: str(c.base_url), future: true };
}

function applyOverride(site: SiteInfo, o: SiteOverride): SiteInfo {
  const baseUrl =
    o.url !== undefined || o.baseurl !== undefined
      ? joinBase(o.url ?? originOf(site.baseUrl), o.baseurl ?? pathOf(site.baseUrl))
      : site.baseUrl;
  return {
    ...site,
    baseUrl,
    permalink: o.permalink ?? site.permalink,
    timeZone: o.timezone ?? site.timeZone,
    future: o.future ?? site.future,
    strictFrontMatter: o.strictFrontMatter ?? site.strictFrontMatter,
    markdownExt: o.markdownExt?.map((e) => e.replace(/^\./, "").toLowerCase()) ?? site.markdownExt,
  };
}

/** Jekyll's `url` + `baseurl` ("https://example.com" + "/blog"). */
function joinBase(url: string | null, baseurl: string | null): string | null {
  if (!url) return null;
  const path = (baseurl ?? "").replace(/^\/*/, "/").replace(/\/+$/, "");
  return `${url.replace(/\/+$/, "")}${path === "/" ? "" : path}/`;
}

function originOf(url: string | null): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

function pathOf(url: string | null): string | null {
  try {
    return url ? new URL(url).pathname : null;
  } catch {
    return null;
  }
}

const str = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : null);

function lowerKeys(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) out[key.toLowerCase()] = value;
  return out;
}

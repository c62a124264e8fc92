import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, relative, sep } from "node:path";
import { platforms } from "../../adapters/registry.ts";
import { processingSchema } from "../../config/schema.ts";
import { NotPublishedError } from "../../src/article/index.ts";
import { bundledFonts, CardRenderer, cardDataFromArticle } from "../../src/card/index.ts";
import { buildMessage } from "../../src/message/build.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { detectSite, type SiteInfo } from "../../src/site/index.ts";
import { renderPreviewPage } from "../preview/page.ts";
import { postExtensions } from "../sources/directory.ts";
import { createUntrustedPool, type UntrustedPool } from "../untrusted/pool.ts";

export interface PreviewOptions {
  inputs: string[];
  out: string;
  baseUrl?: string | null | undefined;
  /** Chat id written into payloads that name their chat; the real one comes from the destination at delivery. */
  chatId?: string | undefined;
  chromiumPath?: string | undefined;
  /** Told what concerns the run rather than one post (a site config that cannot be read). */
  onWarning?: ((message: string) => void) | undefined;
  /** Called once per article, in completion order. */
  onResult?: ((result: PreviewResult, index: number, total: number) => void) | undefined;
}

/**
 * One post's outcome: written; skipped because its site would not publish it
 * now (a draft, `published: false`, expired, dated in the future); or failed.
 * `warnings` say what was repaired or could not be derived (a URL).
 */
export type PreviewResult =
  | {
      file: string;
      ok: true;
      dir: string;
      card: { width: number; height: number } | null;
      url: string | null;
      warnings: string[];
    }
  | { file: string; ok: false; skipped: true; reason: string; warnings: string[] }
  | { file: string; ok: false; skipped?: false; error: string; warnings: string[] };

const CARD_FILE = "card.png";

/** Sites by folder, so a folder's config files are read once per run. */
interface SiteCache {
  byFolder: Map<string, SiteInfo | null>;
  warn: (message: string) => void;
}

/**
 * `herald preview`: for each post, the exact payloads Herald would send to
 * each platform (adapters/registry.ts), the timeline card, and a page showing
 * them side by side. One bad post never stops the others and never leaves
 * partial output behind.
 */
export async function preview(options: PreviewOptions): Promise<PreviewResult[]> {
  const sites: SiteCache = { byFolder: new Map(), warn: options.onWarning ?? (() => {}) };
  const files = await expandInputs(options.inputs, sites);
  const several = files.length > 1 || (await anyDirectory(options.inputs));
  const slugs = uniqueSlugs(files);
  await mkdir(options.out, { recursive: true });

  // The promise is kept, not the renderer: two workers asking at once must share one launch.
  let renderer: Promise<CardRenderer> | null = null;
  const getRenderer = () => {
    renderer ??= CardRenderer.launch({ executablePath: options.chromiumPath });
    return renderer;
  };

  // Posts are parsed as the service parses them: on worker threads, within the default processing budget.
  const untrusted = createUntrustedPool(processingSchema.parse(undefined));
  const results: PreviewResult[] = [];
  try {
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const index = next++;
        const file = files[index] as string;
        const dir = several ? join(options.out, slugs[index] as string) : options.out;
        const result = await previewOne(file, dir, options, untrusted, getRenderer, siteOf(file, sites));
        results.push(result);
        options.onResult?.(result, results.length, files.length);
      }
    };
    // Two at a time matches the renderer's two warm browsers.
    await Promise.all([worker(), worker()]);
  } finally {
    await untrusted.close();
    if (renderer) await (await (renderer as Promise<CardRenderer>).catch(() => null))?.close();
  }
  return results;
}

async function previewOne(
  file: string,
  dir: string,
  options: PreviewOptions,
  untrusted: UntrustedPool,
  getRenderer: () => Promise<CardRenderer>,
  site: SiteInfo | null,
): Promise<PreviewResult> {
  const warnings: string[] = [];
  try {
    const raw = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${file}: cannot read (${error.code ?? error.message})`);
    });
    const sitePath = site ? relative(site.root, file).split(sep).join("/") : null;
    const parseOptions = { baseUrl: options.baseUrl ?? null, site, sitePath };
    const article = await untrusted.article({ kind: "post", raw, input: file, options: parseOptions }, (warning) =>
      warnings.push(warning),
    );
    const cardData = cardDataFromArticle(article);
    const card = cardData ? await (await getRenderer()).render(cardData) : null;
    const message = buildMessage(article, {
      card: card ? { filename: CARD_FILE, url: null, width: card.width, height: card.height } : null,
    });
    const outputs: [string, string | Uint8Array][] = previewFiles(
      message,
      article.title,
      card ? CARD_FILE : null,
      bundledFonts().localCss(),
      options.chatId,
    );
    if (card) outputs.unshift([CARD_FILE, card.png]);
    await writeAll(dir, outputs);
    return {
      file,
      ok: true,
      dir,
      card: card ? { width: card.width, height: card.height } : null,
      url: article.url,
      warnings,
    };
  } catch (error) {
    // Nothing is written for a post its site would not publish: a preview must not leak an embargoed story either.
    if (error instanceof NotPublishedError) return { file, ok: false, skipped: true, reason: error.reason, warnings };
    const message = error instanceof Error ? error.message : String(error);
    return { file, ok: false, error: message.startsWith(file) ? message : `${file}: ${message}`, warnings };
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `<platform>.json` per platform and the page showing them: what `herald preview` writes beside the card. */
export function previewFiles(
  message: NewsMessage,
  title: string,
  card: string | null,
  fontCss: string,
  chatId = "@your_channel",
): [string, string][] {
  const columns = platforms().map((platform) => ({ platform, payload: platform.format(message, chatId) }));
  return [
    ...columns.map(({ platform, payload }): [string, string] => [`${platform.id}.json`, json(payload)]),
    ["preview.html", renderPreviewPage({ title, columns, card, fontCss })],
  ];
}

/** Everything is computed before the first write; files land by rename, so a reader never sees half a file. */
async function writeAll(dir: string, outputs: [string, string | Uint8Array][]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const staging = join(dir, `.herald-${randomBytes(6).toString("hex")}`);
  await mkdir(staging);
  try {
    for (const [name, data] of outputs) await writeFile(join(staging, name), data);
    for (const [name] of outputs) await rename(join(staging, name), join(dir, name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The site above a post's folder (cached per folder); a site config that cannot be read counts as none, with a warning. */
function siteOf(file: string, sites: SiteCache): SiteInfo | null {
  const dir = dirname(file);
  if (!sites.byFolder.has(dir)) {
    let site: SiteInfo | null = null;
    try {
      site = detectSite(dir);
    } catch (error) {
      sites.warn(`${(error as Error).message}; posts in ${dir} are read without the site's rules`);
    }
    sites.byFolder.set(dir, site);
  }
  return sites.byFolder.get(dir) ?? null;
}

async function expandInputs(inputs: string[], sites: SiteCache): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (info?.isDirectory()) {
      const extensions = postExtensions(siteOf(join(input, "post"), sites));
      const entries = await readdir(input, { withFileTypes: true });
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isFile() && extensions.has(extname(entry.name).toLowerCase())) files.push(join(input, entry.name));
      }
    } else {
      files.push(input); // a missing file is reported as that article's error
    }
  }
  return files;
}

async function anyDirectory(inputs: string[]): Promise<boolean> {
  for (const input of inputs) if ((await stat(input).catch(() => null))?.isDirectory()) return true;
  return false;
}

/** Output folder names: the file name without extension, made unique (`index`, `index-2`). */
function uniqueSlugs(files: string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((file) => {
    const base =
      basename(file, extname(file))
        .normalize("NFC")
        .replace(/[^\p{L}\p{N}._-]+/gu, "-")
        .replace(/^[.-]+|-+$/g, "") || "article";
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  });
}

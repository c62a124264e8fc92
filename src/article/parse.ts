import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { derivePostUrl, publicationByDate, type SiteInfo, titleizeSlug, unpublishedFlag } from "../site/index.ts";
import { blockText, extractBlocks, safeUrl } from "./blocks.ts";
import { dateFromFileName, dateFromPath, defaultTimeZone, parseDate } from "./date.ts";
import { ArticleParseError, NotPublishedError } from "./errors.ts";
import { splitFrontMatter } from "./frontmatter.ts";
import { type BodyFormat, bodyToHast } from "./hast.ts";
import { detectLanguage, normaliseLanguage } from "./language.ts";
import { findTimeline } from "./timeline.ts";
import type { Article, Block } from "./types.ts";

export interface ParseOptions {
  /** Site base URL: relative links, images and permalinks resolve against it. */
  baseUrl?: string | null | undefined;
  /** Human name of the source; defaults to the base URL's host. */
  source?: string | null | undefined;
  /** Zone for dates written without an offset; defaults to the site's, else by language (ko → Asia/Seoul). */
  timeZone?: string | undefined;
  /** The site the post belongs to (src/site `detectSite`): its URL rules, time zone and publishing rules apply. */
  site?: SiteInfo | null | undefined;
  /** The post's path relative to the site root ("_posts/2026-10-14-x.md"); defaults to the input's file name. */
  sitePath?: string | null | undefined;
  /** Fail on broken YAML front matter instead of reading it leniently (the site's `strictFrontMatter` wins when set). */
  strictFrontMatter?: boolean | undefined;
  /** Epoch ms that "now" is, for publish dates; defaults to the clock. */
  now?: number | undefined;
  /** Told of each thing Herald repaired or could not derive (messages name no file; the caller knows it). */
  onWarning?: ((message: string) => void) | undefined;
  /**
   * Reads a post its own flags unpublish (`published: false`, `draft: true`) as a retracted article
   * instead of refusing it: for a post already out whose author took it back, which must be
   * withdrawn where it was posted rather than left standing.
   */
  withdrawnAsRetracted?: boolean | undefined;
}

/** Fields of an article that arrived already split up (a feed item, a JSON ingest body). */
export interface ArticleFields {
  id?: string | null;
  title?: unknown;
  /** Body as Markdown (HTML mixed in allowed), or as HTML when `bodyFormat` says so. */
  body?: string | null;
  /** "html" for bodies that are HTML documents or fragments (feed items); default "markdown". */
  bodyFormat?: BodyFormat;
  url?: string | null;
  date?: unknown;
  categories?: unknown;
  tags?: unknown;
  excerpt?: unknown;
  image?: unknown;
  language?: unknown;
  /** `breaking: true` in front matter or a JSON body. */
  breaking?: unknown;
  /** `retracted: true` (or `unpublished: true`) in front matter or a JSON body. */
  retracted?: unknown;
}

const MAX_INPUT_BYTES = 2 * 1024 * 1024;

/**
 * Parses a post file (front matter + Markdown/HTML body) into an Article.
 * `input` names the file in errors. Throws {@link ArticleParseError}.
 */
export function parsePost(raw: string | Uint8Array, input: string, options: ParseOptions = {}): Article {
  const text = decodeText(raw, input);
  const site = options.site ?? null;
  const warn = options.onWarning ?? (() => {});
  let front: ReturnType<typeof splitFrontMatter>;
  try {
    front = splitFrontMatter(text, {
      strict: site?.strictFrontMatter ?? options.strictFrontMatter ?? false,
      onWarning: warn,
    });
  } catch (error) {
    const reason = error instanceof Error ? firstLine(error.message) : String(error);
    throw new ArticleParseError(input, `broken front matter: ${reason}`, { cause: error });
  }
  const data = front.data;
  const sitePath = options.sitePath ?? basename(input);
  // Drafts are skipped before anything else is read: a draft may be unfinished in ways that would fail below.
  const flag = unpublishedFlag(data, sitePath);
  if (flag && !options.withdrawnAsRetracted) throw new NotPublishedError(input, flag, null);

  const fromName = dateFromFileName(basename(input));
  // Jekyll reads only date-named files in _posts as posts; anything else there is never published.
  if (site?.generator === "jekyll" && /(^|\/)_posts\//.test(sitePath) && !fromName) {
    throw new NotPublishedError(
      input,
      "not a post (Jekyll publishes files in _posts/ only when named YYYY-MM-DD-title)",
      null,
    );
  }
  const { title, body } = titleOf(data, front.body, fromName?.slug ?? null, site);
  // `published` is a date for some generators and Jekyll's publish flag for others.
  const publishedDate = typeof data.published === "boolean" ? undefined : data.published;
  const timeZone = options.timeZone ?? site?.timeZone ?? undefined;
  const fields: ArticleFields = {
    id: typeof data.id === "string" || typeof data.id === "number" ? String(data.id) : null,
    title,
    body,
    url: firstString(data.url, data.permalink, data.link, data.canonical),
    date: data.date ?? data.pubdate ?? publishedDate ?? data.publishdate ?? fromName?.date ?? dateFromPath(data.path),
    categories: data.categories ?? data.category,
    tags: data.tags ?? data.keywords,
    excerpt: data.excerpt ?? data.description ?? data.summary,
    image: imageField(data),
    language: data.lang ?? data.language ?? data.locale,
    breaking: data.breaking,
    retracted: isTrue(data.retracted) || isTrue(data.unpublished) || flag !== null,
  };
  const baseUrl = options.baseUrl ?? site?.baseUrl ?? null;
  const article = buildArticle(fields, input, { ...options, baseUrl, timeZone });
  checkPublished(data, article, input, { ...options, timeZone }, site);
  if (!site) return article;
  const ownUrl = fields.url && /^https?:\/\//i.test(fields.url) ? fields.url : null;
  if (ownUrl) return article;
  // A date without a zone was read in the site's zone, else the language's: the permalink's :year/:month/:day are that wall clock.
  const zone = site.timeZone ?? timeZone ?? defaultTimeZone(article.language);
  const derived = derivePostUrl(
    { ...site, timeZone: zone },
    { sitePath, data, title: article.title, date: article.date },
    baseUrl,
  );
  if (derived.url === null) {
    warn(`no URL: ${derived.reason}`);
    return { ...article, url: null };
  }
  // The id follows the published URL, as it does for posts that name their permalink.
  const id = fields.id ? article.id : articleId(null, derived.url, article.source, article.title, article.date);
  return { ...article, id, url: derived.url };
}

/**
 * The title the generator shows: front matter `title`; else Jekyll's
 * titleized file-name slug (`2009-06-22-empty-yaml.md` → "Empty Yaml");
 * else a leading `# heading` (MyST/Sphinx pages), which then leaves the body.
 */
function titleOf(
  data: Record<string, unknown>,
  body: string,
  fileSlug: string | null,
  site: SiteInfo | null,
): { title: unknown; body: string } {
  const own = data.title;
  if ((typeof own === "string" && own.trim()) || typeof own === "number") return { title: own, body };
  const fromName = fileSlug && (!site || site.generator === "jekyll") ? titleizeSlug(fileSlug) : null;
  if (fromName) return { title: fromName, body };
  const heading = leadingHeading(body);
  if (heading) return heading;
  return { title: fileSlug ? titleizeSlug(fileSlug) : own, body };
}

/** A first non-blank line `# Title` (ATX, optional closing #s): its text, and the body after it. Read without backtracking regexes (untrusted input). */
function leadingHeading(body: string): { title: string; body: string } | null {
  let start = 0;
  while (start < body.length) {
    const end = body.indexOf("\n", start);
    const line = body.slice(start, end === -1 ? body.length : end);
    const rest = end === -1 ? "" : body.slice(end + 1);
    if (line.trim() === "") {
      if (end === -1) return null;
      start = end + 1;
      continue;
    }
    const m = /^ {0,3}#[ \t]/.exec(line);
    if (!m) return null;
    let text = line.slice(m[0].length).trim();
    let closing = 0;
    while (text.charAt(text.length - closing - 1) === "#") closing++;
    if (closing > 0 && (closing === text.length || /[ \t]/.test(text.charAt(text.length - closing - 1))))
      text = text.slice(0, text.length - closing).trim();
    return text ? { title: text, body: rest } : null;
  }
  return null;
}

/** Throws {@link NotPublishedError} for a post that is expired or not yet due. */
function checkPublished(
  data: Record<string, unknown>,
  article: Article,
  input: string,
  options: ParseOptions,
  site: SiteInfo | null,
): void {
  const timeZone = options.timeZone ?? defaultTimeZone(article.language);
  const publication = publicationByDate({
    date: article.date,
    publishDate: parseDate(data.publishdate ?? data.publish_date, timeZone),
    expiryDate: parseDate(data.expirydate ?? data.expiry_date ?? data.unpublishdate, timeZone),
    future: site?.future ?? false,
    now: options.now ?? Date.now(),
  });
  if (publication.state === "unpublished") throw new NotPublishedError(input, publication.reason, null);
  if (publication.state === "scheduled") throw new NotPublishedError(input, publication.reason, publication.at);
}

/** Builds an Article from fields that arrived separately (feed items, JSON ingest). */
export function articleFromFields(fields: ArticleFields, input: string, options: ParseOptions = {}): Article {
  return buildArticle(fields, input, options);
}

function buildArticle(fields: ArticleFields, input: string, options: ParseOptions): Article {
  const title =
    typeof fields.title === "string" || typeof fields.title === "number" ? cleanLine(String(fields.title)) : "";
  if (!title) throw new ArticleParseError(input, "no title (front matter has no `title`)");

  const baseUrl = normaliseBase(options.baseUrl ?? null);
  const extracted = withinDepth(input, () => extractBlocks(bodyToHast(fields.body ?? "", fields.bodyFormat), baseUrl));
  const bodyText = extracted.blocks.map(blockText).join("\n");
  const firstParagraph = extracted.blocks.find((b) => b.type === "paragraph");
  // A front-matter excerpt is Markdown too (`**정상화**`): parsed the same way, kept both as text and as blocks.
  const excerptField = typeof fields.excerpt === "string" && fields.excerpt.trim() ? fields.excerpt : null;
  const lead = excerptField
    ? withinDepth(input, () => leadBlocks(excerptField, baseUrl))
    : firstParagraph
      ? [firstParagraph]
      : [];
  const excerpt = cleanLine(lead.map(blockText).join("\n"));
  const language = normaliseLanguage(fields.language) ?? detectLanguage(`${title}\n${excerpt}\n${bodyText}`);
  const date = parseDate(fields.date, options.timeZone ?? defaultTimeZone(language));
  const url = fields.url ? safeUrl(fields.url, baseUrl) : null;
  const source = options.source ?? hostOf(baseUrl) ?? hostOf(url);
  const tables = extracted.tables.map((t) => t.table);

  return {
    id: articleId(fields.id ?? null, url, source, title, date),
    title,
    url: url?.startsWith("http") ? url : null,
    source,
    date,
    categories: stringList(fields.categories),
    tags: stringList(fields.tags),
    excerpt,
    lead,
    image: imageUrl(fields.image, baseUrl) ?? extracted.images.find((src) => src.startsWith("http")) ?? null,
    language,
    body: extracted.blocks,
    tables,
    timeline: findTimeline(extracted),
    text: [title, excerpt, bodyText, ...tables.flatMap((t) => [...(t.header ?? []), ...t.rows.flat()])].join("\n"),
    // Set only when true, so an article without them keeps the shape (and content hash) it always had.
    ...(isTrue(fields.breaking) ? { breaking: true } : {}),
    ...(isTrue(fields.retracted) ? { retracted: true } : {}),
  };
}

/** A front-matter flag: YAML `true`, or the string "true" some generators write. */
function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/**
 * Runs a tree walk over untrusted markup. Hundreds of thousands of nested
 * tags overflow the stack of any recursive walker; such a post is rejected
 * with a reason instead of surfacing as an anonymous RangeError.
 */
function withinDepth<T>(input: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RangeError)
      throw new ArticleParseError(input, "markup nested too deeply to read", { cause: error });
    throw error;
  }
}

/** Characters that can start Markdown or HTML syntax in an excerpt. */
const MARKUP_CHARACTER = /[*_`[\]<>&\\~|!#]/;
/**
 * A list or quote marker first on a line. Only spaces and tabs may precede it
 * after the line break: `^\s*` with the `m` flag read a run of blank lines
 * again from each of them (quadratic), and finds nothing this does not.
 */
const LINE_MARKER = /(?:^|[\n\r\u2028\u2029])[^\S\n\r\u2028\u2029]*(?:[-+>]|\d+[.)])\s/;

/** True when an excerpt may hold Markdown or HTML syntax and must be parsed. */
export function mayHoldMarkup(excerpt: string): boolean {
  return MARKUP_CHARACTER.test(excerpt) || LINE_MARKER.test(excerpt);
}

/** The excerpt as blocks; plain text (most excerpts) skips the Markdown pipeline, which costs more than the rest of the article. */
function leadBlocks(excerpt: string, baseUrl: string | null): Block[] {
  if (!mayHoldMarkup(excerpt)) return [{ type: "paragraph", children: [{ type: "text", value: cleanLine(excerpt) }] }];
  return extractBlocks(bodyToHast(excerpt), baseUrl).blocks;
}

/** A front-matter id when it is a plain slug; otherwise a short hash of the permalink, or of source + title + date. */
function articleId(
  id: string | null,
  url: string | null,
  source: string | null,
  title: string,
  date: string | null,
): string {
  if (id && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) return id;
  const basis = id ?? url ?? `${source ?? ""}\n${title}\n${date ?? ""}`;
  return createHash("sha256").update(basis).digest("hex").slice(0, 16);
}

function decodeText(raw: string | Uint8Array, input: string): string {
  if (typeof raw === "string") {
    if (raw.includes("\u0000")) throw new ArticleParseError(input, "binary data, not a text post");
    return raw;
  }
  if (raw.byteLength > MAX_INPUT_BYTES)
    throw new ArticleParseError(input, `larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
  const unicode = decodeUnicodeBom(raw);
  if (unicode !== null) {
    if (unicode.includes("\u0000")) throw new ArticleParseError(input, "binary data, not a text post");
    return unicode;
  }
  if (raw.includes(0)) throw new ArticleParseError(input, "binary data, not a text post");
  // isUtf8 validates without decoding (SIMD); a fatal TextDecoder did both and cost 3% of parsing.
  if (!isUtf8(raw)) throw new ArticleParseError(input, "not valid UTF-8 text");
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("utf8");
}

/**
 * Text in UTF-16 or UTF-32 with a byte-order mark (Windows editors save
 * "Unicode" as UTF-16LE), decoded; null for anything else (read as UTF-8).
 */
export function decodeUnicodeBom(raw: Uint8Array): string | null {
  const [a, b, c, d] = raw;
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return decodeUtf32(raw.subarray(4), true);
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return decodeUtf32(raw.subarray(4), false);
  if (a === 0xff && b === 0xfe) return new TextDecoder("utf-16le").decode(raw.subarray(2));
  if (a === 0xfe && b === 0xff) return new TextDecoder("utf-16be").decode(raw.subarray(2));
  return null;
}

/** TextDecoder has no UTF-32; code points outside Unicode become U+FFFD. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength - (bytes.byteLength % 4));
  const chunks: string[] = [];
  let codes: number[] = [];
  for (let i = 0; i < view.byteLength; i += 4) {
    const code = view.getUint32(i, littleEndian);
    codes.push(code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? 0xfffd : code);
    if (codes.length === 4096) {
      chunks.push(String.fromCodePoint(...codes));
      codes = [];
    }
  }
  chunks.push(String.fromCodePoint(...codes));
  return chunks.join("");
}

function imageField(data: Record<string, unknown>): unknown {
  const header = data.header;
  const headerImage = header && typeof header === "object" ? (header as Record<string, unknown>).image : undefined;
  const images = Array.isArray(data.images) ? data.images[0] : undefined;
  return firstString(data.image, data.cover_image, data.cover, data.feature_image, data.thumbnail, headerImage, images);
}

function imageUrl(value: unknown, baseUrl: string | null): string | null {
  const url = typeof value === "string" ? safeUrl(value, baseUrl) : null;
  return url?.startsWith("http") ? url : null;
}

function firstString(...values: unknown[]): string | null {
  for (const value of values) if (typeof value === "string" && value.trim()) return value.trim();
  return null;
}

/** Categories and tags come as a list, a single string, or Jekyll's space-separated string. */
function stringList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(/[\s,]+/) : [];
  return [
    ...new Set(
      items
        .filter((v) => typeof v === "string" || typeof v === "number")
        .map((v) => cleanLine(String(v)))
        .filter(Boolean),
    ),
  ];
}

function normaliseBase(baseUrl: string | null): string | null {
  if (!baseUrl) return null;
  try {
    const url = new URL(baseUrl);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

const cleanLine = (s: string) => s.replace(/\s+/g, " ").trim();
const firstLine = (s: string) => cleanLine(s.split("\n")[0] ?? s);

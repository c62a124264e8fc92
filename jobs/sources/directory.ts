import { createHash } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import type { Queue } from "bullmq";
import { decodeUnicodeBom } from "../../src/article/index.ts";
import type { Log } from "../../src/log.ts";
import { detectSite, type SiteInfo, type SiteOverride } from "../../src/site/index.ts";
import type { Store } from "../../src/store/index.ts";
import type { IngestJobData } from "../queues.ts";
import { itemsToPostOnFirstRun } from "./first-run.ts";

/** Read whatever the site: Markdown posts under every extension the site's generator reads (Jekyll's `markdown_ext`). */
const POST_EXTENSIONS = [".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".html", ".htm", ".txt"];

/** Extensions of post files in a folder of the given site (null: none detected). */
export function postExtensions(site: SiteInfo | null): Set<string> {
  return new Set([...POST_EXTENSIONS, ...(site?.markdownExt ?? []).map((ext) => `.${ext}`)]);
}

/** The site a posts folder belongs to, with the feed's `site:` override; null when there is none or its config cannot be read (said in the log). */
export function siteOfFolder(path: string, override: SiteOverride | null, log: Log, feedId: string): SiteInfo | null {
  try {
    return detectSite(path, override);
  } catch (error) {
    log.warn(
      { feedId, err: (error as Error).message },
      "site config unreadable; posts are read without the site's rules",
    );
    return null;
  }
}

/** Text of a post file: UTF-16/32 with a byte-order mark decoded, anything else read as UTF-8. */
export function postText(bytes: Buffer): string {
  return decodeUnicodeBom(bytes) ?? bytes.toString("utf8");
}
const MAX_DEPTH = 4;
const SETTLE_MS = 300;

export interface DirectoryFeed {
  id: string;
  path: string;
  backfill: number;
  /** The feed's `site:` block, overriding what is detected above `path`. */
  site?: SiteOverride | undefined;
}

/**
 * Watches a folder of posts (a Jekyll `_posts/`). New and changed files are
 * queued for ingest with their contents; the whole folder is rescanned at
 * start (a post dropped while Herald was down is still delivered) and every
 * `rescanMs` as a safety net for missed watch events.
 */
export class DirectoryWatcher {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly feed: DirectoryFeed,
    private readonly store: Store,
    private readonly queue: Queue<IngestJobData>,
    private readonly log: Log,
    private readonly rescanMs = 30_000,
  ) {}

  async start(): Promise<void> {
    await this.scan();
    try {
      this.watcher = watch(this.feed.path, { recursive: true }, () => this.schedule());
      this.watcher.on("error", (error) =>
        this.log.warn({ feedId: this.feed.id, err: error.message }, "folder watch failed; rescanning on a timer"),
      );
    } catch (error) {
      this.log.warn(
        { feedId: this.feed.id, err: (error as Error).message },
        "cannot watch folder; rescanning on a timer",
      );
    }
    this.timer = setInterval(() => this.schedule(), this.rescanMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.scanning;
  }

  private debounce: NodeJS.Timeout | null = null;
  private schedule(): void {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    // Editors write files in several steps; wait until the folder is quiet.
    this.debounce = setTimeout(() => void this.scan(), SETTLE_MS);
  }

  /** Scans once; concurrent calls coalesce into one more scan after the current one. */
  scan(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = this.scanOnce()
      .catch(async (error) => {
        this.log.error({ feedId: this.feed.id, err: (error as Error).message }, "folder scan failed");
        // The store may be what failed: recording the reason must not turn into an unhandled rejection.
        await this.store
          .recordFeedError(this.feed.id, `scan of ${this.feed.path} failed: ${(error as Error).message}`)
          .catch((recordError: Error) =>
            this.log.warn({ feedId: this.feed.id, err: recordError.message }, "could not record the scan failure"),
          );
      })
      .finally(() => {
        this.scanning = null;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.scan();
        }
      });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    const site = siteOfFolder(this.feed.path, this.feed.site ?? null, this.log, this.feed.id);
    const files = await listPosts(this.feed.path, postExtensions(site));
    const firstRun = !(await this.store.isFirstRunDone(this.feed.id));
    const changed: { key: string; file: string; raw: string; hash: string; mtime: number }[] = [];
    for (const file of files) {
      const bytes = await readFile(file).catch(() => null);
      if (!bytes) continue; // vanished between listing and reading
      const key = relative(this.feed.path, file);
      const hash = createHash("sha256").update(bytes).digest("hex");
      if ((await this.store.getItemHash(this.feed.id, key)) === hash) continue;
      const mtime = (await stat(file).catch(() => null))?.mtimeMs ?? 0;
      changed.push({ key, file, raw: postText(bytes), hash, mtime });
    }
    // Jekyll file names start with the date; otherwise the newest file wins.
    changed.sort((a, b) => b.key.localeCompare(a.key) || b.mtime - a.mtime);
    const post = firstRun ? itemsToPostOnFirstRun(changed, this.feed.backfill) : new Set(changed);
    for (const item of changed) {
      const jobId = `${this.feed.id}.${sha(item.key)}.${item.hash.slice(0, 16)}`;
      if (post.has(item)) {
        await this.queue.add(
          "ingest",
          { feedId: this.feed.id, input: item.file, kind: "post", raw: item.raw },
          { jobId },
        );
      } else {
        // What the first scan finds is already out, except posts not yet due: those are checked, and scheduled.
        await this.queue.add(
          "ingest",
          { feedId: this.feed.id, input: item.file, kind: "post", raw: item.raw, scheduleOnly: true },
          { jobId: `${jobId}.first` },
        );
      }
      await this.store.markItemSeen(this.feed.id, item.key, item.hash);
    }
    if (firstRun) {
      await this.store.markFirstRunDone(this.feed.id);
      this.log.info(
        { feedId: this.feed.id, seen: changed.length, posted: post.size },
        "first scan: existing posts recorded, not posted",
      );
    } else if (changed.length) {
      this.log.info({ feedId: this.feed.id, queued: changed.length }, "new or changed posts queued");
    }
  }
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

async function listPosts(dir: string, extensions: Set<string>, depth = 0): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth < MAX_DEPTH) files.push(...(await listPosts(path, extensions, depth + 1)));
    else if (entry.isFile() && extensions.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

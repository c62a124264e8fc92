import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type HTTPRequest, type Page } from "puppeteer-core";
import type { BundledFonts } from "./fonts.ts";
import { CARD_WIDTH } from "./template.ts";

/** Where Debian puts Chromium; override with the `executablePath` option or HERALD_CHROMIUM_PATH. */
export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/** Taller than the tallest card (MAX_ROWS rows of three clamped lines), so screenshots never need a viewport resize. */
export const VIEWPORT_HEIGHT = 2600;

/**
 * Screenshots are taken at 2x so the card stays sharp in chat previews on
 * high-density screens. The page itself is laid out at 1x and the capture is
 * scaled (Chromium re-rasterizes the vectors, so text is as sharp as with a
 * 2x device scale factor: the pixels are byte-identical) because that path
 * is ~20% faster than puppeteer's screenshot with deviceScaleFactor 2.
 */
export const DEVICE_SCALE_FACTOR = 2;

/**
 * Flags for a browser that must never reach the network: every host name
 * resolves to nothing, and the background services that phone home are off.
 * --no-sandbox because Herald runs as root in containers, where Chromium's
 * sandbox refuses to start; the page only ever holds escaped text behind a
 * CSP and request interception.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--disable-extensions",
  // Without it a screenshot waits for the next 60 Hz frame tick: ~25 ms of a ~60 ms card.
  // Idle pages draw no frames either way, so an idle browser still uses no CPU.
  "--disable-frame-rate-limit",
  "--host-resolver-rules=MAP * ~NOTFOUND",
];

/** One Chromium with its one reused page. */
export interface CardBrowser {
  browser: Browser;
  page: Page;
  /** PNG of the top `height` CSS pixels of the page, at {@link DEVICE_SCALE_FACTOR}. */
  capture(height: number): Promise<Buffer>;
  /** Chromium's pid, which is also its process group id (puppeteer launches it detached). */
  pid: number;
  /** False once Chromium disconnected or the page crashed: the renderer then relaunches instead of reusing it. */
  readonly healthy: boolean;
  /** Requests that interception refused since launch: anything but a bundled font or data: URL. */
  readonly blockedRequests: number;
  /** Kills the whole process group and removes the profile directory. Safe to call twice. */
  kill(): Promise<void>;
}

export interface LaunchOptions {
  executablePath: string;
  fonts: BundledFonts;
  /** Bounds how long Chromium may take to start. */
  timeoutMs: number;
}

/** Starts Chromium with a fresh temporary profile and sets up the page every render reuses. */
export async function launchCardBrowser(options: LaunchOptions): Promise<CardBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), "herald-chromium-"));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: options.executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      userDataDir,
      // DevTools over stdio pipes instead of a TCP port no other process should see.
      pipe: true,
      timeout: options.timeoutMs,
      protocolTimeout: options.timeoutMs,
      // The app owns its signals: puppeteer's SIGINT handler would call process.exit().
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      defaultViewport: null,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const child = browser.process();
  // puppeteer-core 23 leaves the write pipe without an error listener (and drops the read pipe's on
  // disconnect), so killing Chromium would surface ECONNRESET as an uncaught exception in Herald.
  for (const stream of child?.stdio ?? []) stream?.on("error", () => {});
  const pid = child?.pid;
  let killed = false;
  const kill = async () => {
    if (killed) return;
    killed = true;
    const exited = onceExited(browser);
    if (pid !== undefined) killProcessGroup(pid);
    // SIGKILL is not refusable; the bound only guards against a process stuck in the kernel.
    await Promise.race([exited, delay(5_000)]);
    if (pid !== undefined) await groupGone(pid);
    browser.disconnect().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true });
  };
  if (pid === undefined) {
    await kill();
    throw new Error("Chromium started without a process id");
  }
  try {
    const counter = { blocked: 0 };
    const page = await setUpPage(browser, options.fonts, counter);
    const session = await page.createCDPSession();
    let crashed = false;
    page.on("error", () => {
      crashed = true;
    });
    browser.process()?.once("exit", () => {
      crashed = true;
    });
    return {
      browser,
      page,
      pid,
      async capture(height) {
        const { data } = await session.send("Page.captureScreenshot", {
          format: "png",
          clip: { x: 0, y: 0, width: CARD_WIDTH, height, scale: DEVICE_SCALE_FACTOR },
          captureBeyondViewport: height > VIEWPORT_HEIGHT,
          // Chromium's fast PNG encoding: quicker for ~35% more bytes; cards are cached and small either way.
          optimizeForSpeed: true,
        });
        return Buffer.from(data, "base64");
      },
      get healthy() {
        return !crashed && !killed && browser.connected && !page.isClosed();
      },
      get blockedRequests() {
        return counter.blocked;
      },
      kill,
    };
  } catch (error) {
    await kill();
    throw error;
  }
}

async function setUpPage(browser: Browser, fonts: BundledFonts, counter: { blocked: number }): Promise<Page> {
  const [existing] = await browser.pages();
  const page = existing ?? (await browser.newPage());
  await page.setViewport({ width: CARD_WIDTH, height: VIEWPORT_HEIGHT, deviceScaleFactor: 1 });
  await page.setRequestInterception(true);
  page.on("request", (request) => answer(request, fonts, counter));
  return page;
}

/** Serves bundled fonts and data: URLs; refuses everything else, so a card can never make a request. */
function answer(request: HTTPRequest, fonts: BundledFonts, counter: { blocked: number }): void {
  if (request.isInterceptResolutionHandled()) return;
  const url = request.url();
  // The browser may be gone by the time we answer; that render has already failed on its own.
  const ignore = () => {};
  if (url.startsWith("data:")) {
    request.continue().catch(ignore);
    return;
  }
  const font = fonts.file(url);
  if (font) {
    request
      .respond({
        status: 200,
        contentType: "font/woff2",
        // Font loads are CORS requests and the card document has an opaque origin.
        headers: { "access-control-allow-origin": "*" },
        body: font,
      })
      .catch(ignore);
    return;
  }
  counter.blocked++;
  request.abort("blockedbyclient").catch(ignore);
}

function killProcessGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // No group (already gone, or not a leader): fall back to the process itself.
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already exited.
    }
  }
}

/** How long kill() waits for the rest of the group (zygotes, renderers) once the browser itself has exited. */
const GROUP_EXIT_MS = 2_000;

/**
 * Waits until no process of group `pgid` is left but zombies (Linux /proc; elsewhere at once).
 * The browser's exit event can come while its helpers, killed in the same instant, are still
 * on their way out: close() promises that nothing is left running, so it waits for them too.
 */
async function groupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + GROUP_EXIT_MS;
  while (livingGroupMembers(pgid) > 0 && Date.now() < deadline) {
    killProcessGroup(pgid);
    await delay(10);
  }
}

/** Processes of group `pgid` that are not zombies, from /proc; 0 where there is no /proc. */
function livingGroupMembers(pgid: number): number {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return 0;
  }
  let living = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state !== "Z" && Number(pgrp) === pgid) living++;
    } catch {
      // Gone between the listing and the read.
    }
  }
  return living;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function onceExited(browser: Browser): Promise<void> {
  const child = browser.process();
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

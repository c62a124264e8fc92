import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { type CardBrowser, DEFAULT_CHROMIUM_PATH, launchCardBrowser } from "./browser.ts";
import { DiskCardCache, MemoryCardCache } from "./cache.ts";
import { type CardData, cardKey } from "./data.ts";
import { type BundledFonts, bundledFonts } from "./fonts.ts";
import { pngSize } from "./png.ts";
import { renderCardMarkup, renderCardShell } from "./template.ts";

/** A card image ready to attach. */
export interface RenderedCard {
  png: Buffer;
  /** Pixel size of the PNG (twice the CSS size: cards are shot at device scale factor 2). */
  width: number;
  height: number;
  /** {@link cardKey} of the data: also the cache file name. */
  key: string;
  /** True when the PNG came from the memory or disk cache (or a concurrent render of the same card). */
  cached: boolean;
}

/** A card could not be rendered. Names the card and the reason; the renderer itself stays usable. */
export class CardRenderError extends Error {
  override readonly name = "CardRenderError";

  constructor(
    readonly key: string,
    readonly title: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Could not render the timeline card "${shorten(title)}" (key ${key.slice(0, 12)}): ${reason}`, options);
  }
}

export interface CardRendererOptions {
  /** Chromium binary; defaults to $HERALD_CHROMIUM_PATH, then /usr/bin/chromium. */
  executablePath?: string | undefined;
  /** Browsers kept warm, each with one page; renders beyond that wait in a queue. Default 2. */
  browsers?: number | undefined;
  /** Per-render limit, from getting a browser to the PNG. The browser is killed and relaunched when it is hit. Default 15 s. */
  timeoutMs?: number | undefined;
  /** Folder for `<key>.png` files reused across processes; no disk cache when absent. */
  cacheDir?: string | undefined;
  /** PNGs kept in memory, most recently used first. Default 64; 0 disables the memory cache. */
  memoryCacheSize?: number | undefined;
}

export interface RenderOptions {
  /** Overrides the renderer's timeoutMs for this one render. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** Starting Chromium on a loaded 2-core machine can take seconds; this only bounds a browser that never comes up. */
const LAUNCH_TIMEOUT_MS = 30_000;

/** One browser and whether a render holds it. */
interface Slot {
  browser: CardBrowser | null;
  busy: boolean;
}

/**
 * Renders timeline cards with a few warm Chromium instances.
 *
 * Each browser loads the fonts and styles once; a render swaps in the card's
 * escaped markup, waits for the fonts its text needs and screenshots the
 * card. No page ever reaches the network. A render that fails or takes longer
 * than `timeoutMs` kills its browser (relaunched on next use) and rejects with
 * {@link CardRenderError}; a browser that crashed is relaunched the same way.
 *
 * @example
 * const renderer = await CardRenderer.launch({ cacheDir: "var/cards" });
 * try {
 *   const card = await renderer.render(data);
 *   await writeFile("timeline.png", card.png);
 * } finally {
 *   await renderer.close();
 * }
 */
export class CardRenderer {
  readonly #slots: Slot[];
  readonly #waiting: Array<{ resolve: (slot: Slot) => void; reject: (error: Error) => void }> = [];
  readonly #rendering = new Map<string, Promise<RenderedCard>>();
  readonly #memory: MemoryCardCache;
  readonly #disk: DiskCardCache | null;
  readonly #executablePath: string;
  readonly #timeoutMs: number;
  readonly #fonts: BundledFonts;
  readonly #launchedPids: number[] = [];
  readonly #pendingKills = new Set<Promise<void>>();
  readonly #pendingLaunches = new Set<Promise<void>>();
  #closed = false;

  private constructor(options: {
    executablePath: string;
    browsers: number;
    timeoutMs: number;
    memoryCacheSize: number;
    cacheDir?: string | undefined;
  }) {
    this.#executablePath = options.executablePath;
    this.#timeoutMs = options.timeoutMs;
    this.#slots = Array.from({ length: options.browsers }, () => ({ browser: null, busy: false }));
    this.#memory = new MemoryCardCache(options.memoryCacheSize);
    this.#disk = options.cacheDir ? new DiskCardCache(options.cacheDir) : null;
    this.#fonts = bundledFonts();
  }

  /**
   * Starts the browsers. Rejects with a message naming the executable when
   * Chromium is missing or does not start, so a misconfigured host fails at boot.
   */
  static async launch(options: CardRendererOptions = {}): Promise<CardRenderer> {
    const executablePath = options.executablePath ?? process.env.HERALD_CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
    const browsers = options.browsers ?? 2;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const memoryCacheSize = options.memoryCacheSize ?? 64;
    if (!Number.isInteger(browsers) || browsers < 1)
      throw new Error(`browsers must be a positive integer, got ${browsers}`);
    if (!(timeoutMs > 0)) throw new Error(`timeoutMs must be positive, got ${timeoutMs}`);
    if (!Number.isInteger(memoryCacheSize) || memoryCacheSize < 0) {
      throw new Error(`memoryCacheSize must be a non-negative integer, got ${memoryCacheSize}`);
    }
    try {
      await access(executablePath, constants.X_OK);
    } catch {
      throw new Error(
        `Chromium not found or not executable at ${executablePath}. Install Debian's chromium package, or set HERALD_CHROMIUM_PATH or the executablePath option.`,
      );
    }
    const renderer = new CardRenderer({
      executablePath,
      browsers,
      timeoutMs,
      memoryCacheSize,
      cacheDir: options.cacheDir,
    });
    try {
      await renderer.#disk?.open();
      const launches = await Promise.allSettled(renderer.#slots.map(() => renderer.#launchBrowser()));
      launches.forEach((launch, i) => {
        const slot = renderer.#slots[i];
        if (launch.status === "fulfilled" && slot) slot.browser = launch.value;
      });
      const failed = launches.find((launch) => launch.status === "rejected");
      if (failed) throw failed.reason;
    } catch (error) {
      await renderer.close();
      throw new Error(`Chromium at ${executablePath} did not start: ${errorText(error)}`, { cause: error });
    }
    return renderer;
  }

  /**
   * The card for `data`: from the memory cache, the disk cache, a render of
   * the same card already under way, or a new render on a free browser.
   */
  async render(data: CardData, options: RenderOptions = {}): Promise<RenderedCard> {
    const key = cardKey(data);
    if (this.#closed) throw new CardRenderError(key, data.title, "the renderer is closed");
    const remembered = this.#memory.get(key);
    if (remembered) return card(remembered, key, true);
    const underway = this.#rendering.get(key);
    if (underway) return { ...(await underway), cached: true };
    const rendering = this.#renderUncached(data, key, options.timeoutMs ?? this.#timeoutMs);
    this.#rendering.set(key, rendering);
    try {
      return await rendering;
    } finally {
      this.#rendering.delete(key);
    }
  }

  /**
   * Pids of every Chromium this renderer started (each also a process group
   * id): lets tests and health checks confirm none outlives {@link close}.
   */
  get launchedPids(): readonly number[] {
    return this.#launchedPids;
  }

  /** Kills every browser (whole process groups) and removes their profiles. Safe to call more than once. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error("the renderer is closed"));
      for (const slot of this.#slots) this.#retire(slot);
    }
    // Launches under way kill their own browser once they see #closed; kills they start are tracked too.
    while (this.#pendingLaunches.size > 0 || this.#pendingKills.size > 0) {
      await Promise.all([...this.#pendingLaunches, ...this.#pendingKills]);
    }
  }

  async #renderUncached(data: CardData, key: string, timeoutMs: number): Promise<RenderedCard> {
    const stored = await this.#disk?.get(key);
    if (stored) {
      this.#memory.set(key, stored);
      return card(stored, key, true);
    }
    let png: Buffer;
    try {
      png = await this.#renderOnBrowser(data, timeoutMs);
    } catch (error) {
      if (error instanceof CardRenderError) throw error;
      // close() kills browsers under renders in progress; say so rather than echo the broken pipe.
      const reason = this.#closed ? "the renderer is closed" : errorText(error);
      throw new CardRenderError(key, data.title, reason, { cause: error });
    }
    this.#memory.set(key, png);
    // The card is good even when the disk cache cannot take it (full or read-only disk): it is rendered again next time.
    await this.#disk?.set(key, png).catch(() => {});
    return card(png, key, false);
  }

  async #renderOnBrowser(data: CardData, timeoutMs: number): Promise<Buffer> {
    const slot = await this.#acquire();
    const attempt = { abandoned: false };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms; its browser was restarted`)),
        timeoutMs,
      );
    });
    const work = this.#shoot(slot, data, attempt);
    try {
      return await Promise.race([work, timedOut]);
    } catch (error) {
      // Whatever went wrong (timeout, crash, protocol error), the page's state is unknown: start that browser afresh.
      attempt.abandoned = true;
      this.#retire(slot);
      work.catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
      this.#release(slot);
    }
  }

  async #shoot(slot: Slot, data: CardData, attempt: { abandoned: boolean }): Promise<Buffer> {
    const reused = slot.browser?.healthy === true;
    try {
      return await this.#shootOnce(slot, data, attempt);
    } catch (error) {
      // A browser that died between renders (crash, OOM kill) is only noticed when used:
      // that is not this card's fault, so it gets one more try on a fresh browser.
      if (!reused || slot.browser?.healthy !== false || attempt.abandoned) throw error;
      return await this.#shootOnce(slot, data, attempt);
    }
  }

  async #shootOnce(slot: Slot, data: CardData, attempt: { abandoned: boolean }): Promise<Buffer> {
    if (!slot.browser?.healthy) {
      this.#retire(slot);
      const launched = await this.#launchBrowser();
      if (attempt.abandoned) {
        // The render timed out while this browser was starting; the slot has moved on without it.
        this.#track(launched.kill());
        throw new Error("abandoned");
      }
      slot.browser = launched;
    }
    const browser = slot.browser;
    const markup = renderCardMarkup(data);
    const height = await browser.page.evaluate(async (html: string) => {
      document.body.innerHTML = html;
      const element = document.getElementById("card");
      if (!element) throw new Error("the card markup has no #card element");
      // Reading a layout value lays the text out now, which starts loading exactly the font subsets it uses.
      void element.offsetHeight;
      await document.fonts.ready;
      return Math.ceil(element.getBoundingClientRect().height);
    }, markup);
    return await browser.capture(height);
  }

  /** Starts a browser with the card shell loaded. close() waits for launches under way, and kills what they bring up. */
  #launchBrowser(): Promise<CardBrowser> {
    const launching = this.#startBrowser();
    const settled = launching.then(
      () => {},
      () => {},
    );
    this.#pendingLaunches.add(settled);
    void settled.finally(() => this.#pendingLaunches.delete(settled));
    return launching;
  }

  async #startBrowser(): Promise<CardBrowser> {
    const browser = await launchCardBrowser({
      executablePath: this.#executablePath,
      fonts: this.#fonts,
      timeoutMs: LAUNCH_TIMEOUT_MS,
    });
    this.#launchedPids.push(browser.pid);
    try {
      await browser.page.setContent(renderCardShell(this.#fonts.css), { waitUntil: "load" });
    } catch (error) {
      await browser.kill();
      throw error;
    }
    if (this.#closed) {
      // close() ran while this browser was starting: it must not survive.
      await browser.kill();
      throw new Error("the renderer is closed");
    }
    return browser;
  }

  /** Kills the slot's browser (if any) in the background; close() waits for every such kill. */
  #retire(slot: Slot): void {
    const browser = slot.browser;
    slot.browser = null;
    if (browser) this.#track(browser.kill());
  }

  #track(killing: Promise<void>): void {
    const tracked = killing.catch(() => {}).finally(() => this.#pendingKills.delete(tracked));
    this.#pendingKills.add(tracked);
  }

  #acquire(): Promise<Slot> {
    if (this.#closed) return Promise.reject(new Error("the renderer is closed"));
    const free = this.#slots.find((slot) => !slot.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(slot: Slot): void {
    const next = this.#waiting.shift();
    if (next) next.resolve(slot);
    else slot.busy = false;
  }
}

function card(png: Buffer, key: string, cached: boolean): RenderedCard {
  const { width, height } = pngSize(png);
  return { png, width, height, key, cached };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

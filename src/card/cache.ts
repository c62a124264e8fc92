import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pngSize } from "./png.ts";

/** A bounded least-recently-used map of card PNGs by key. Size 0 keeps nothing. */
export class MemoryCardCache {
  readonly #entries = new Map<string, Buffer>();

  constructor(readonly capacity: number) {}

  get(key: string): Buffer | undefined {
    const png = this.#entries.get(key);
    if (png) {
      // Map keeps insertion order: re-inserting marks the entry most recent.
      this.#entries.delete(key);
      this.#entries.set(key, png);
    }
    return png;
  }

  set(key: string, png: Buffer): void {
    if (this.capacity <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, png);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}

/**
 * `<dir>/<key>.png` files shared by every process pointed at the same folder.
 * Writes go to a unique temp file renamed into place, so a reader sees either
 * no file or a whole one, never half a PNG.
 */
export class DiskCardCache {
  constructor(readonly dir: string) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** The cached PNG, or undefined when absent or unreadable (a broken file is re-rendered and replaced). */
  async get(key: string): Promise<Buffer | undefined> {
    try {
      const png = await readFile(this.#path(key));
      pngSize(png);
      return png;
    } catch {
      return undefined;
    }
  }

  async set(key: string, png: Buffer): Promise<void> {
    const temp = join(this.dir, `.${key}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(temp, png);
      await rename(temp, this.#path(key));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  #path(key: string): string {
    // Keys come from cardKey(); refusing anything else keeps the path inside dir.
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`Invalid card cache key: ${key.slice(0, 80)}`);
    return join(this.dir, `${key}.png`);
  }
}

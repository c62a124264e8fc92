import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterEach, describe, expect, it } from "vitest";
import { startService } from "../jobs/service.ts";
import { CHROMIUM_ARGS } from "../src/card/browser.ts";
import { silentLog, testConfig } from "./helpers/pipeline.ts";

const USER = { name: "ops", password: "correct horse battery staple" };
const QUEUES = ["ingest", "deliver", "poll", "maintenance"];
/** The cards' flags, but this browser must reach Herald: the cards' rule that resolves no host at all would stop it. */
const BROWSER_ARGS = CHROMIUM_ARGS.filter((arg) => !arg.startsWith("--host-resolver-rules"));

describe("the queue dashboard in a real browser (headless Chromium)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function launchBrowser(): Promise<Browser> {
    const userDataDir = await mkdtemp(join(tmpdir(), "herald-board-chromium-"));
    cleanups.push(() => rm(userDataDir, { recursive: true, force: true }));
    const browser = await puppeteer.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: BROWSER_ARGS,
      userDataDir,
      pipe: true,
    });
    cleanups.push(() => browser.close());
    return browser;
  }

  it("asks for credentials, then with an admin's HTTP Basic login renders every Herald queue", async () => {
    const t = testConfig({ cards: { enabled: false }, admin: { users: [USER] } });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog });
    cleanups.push(() => service.stop(5000));
    const url = `http://127.0.0.1:${service.port}/admin/queues`;
    const browser = await launchBrowser();

    // Chromium answers the login challenge with the page's credentials: with none it cannot open the page at all,
    // with wrong ones it shows the refusal.
    const stranger = await browser.newPage();
    await expect(stranger.goto(url)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    const guesser = await browser.newPage();
    await guesser.authenticate({ username: USER.name, password: "guessed password" });
    expect((await guesser.goto(url))?.status()).toBe(401);
    expect(await guesser.$("::-p-text(maintenance)")).toBeNull();

    const admin = await browser.newPage();
    await admin.authenticate({ username: USER.name, password: USER.password });
    expect((await admin.goto(url, { waitUntil: "networkidle0" }))?.status()).toBe(200);
    // The page is drawn by the board's scripts from its API: the names appear only once both passed the login too.
    for (const name of QUEUES)
      expect(
        await admin.waitForSelector(`::-p-text(${name})`, { visible: true, timeout: 20_000 }),
        name,
      ).not.toBeNull();
  }, 60_000);
});

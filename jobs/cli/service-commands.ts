import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../../config/load.ts";
import { parsePost } from "../../src/article/index.ts";
import { redactSecrets } from "../../src/net/redact.ts";
import { stripControlsInLine } from "../../src/text/controls.ts";
import { listLeases } from "../fleet/lease.ts";
import { expectedDuties } from "../fleet/names.ts";
import { startRecovery } from "../recovery/index.ts";
import { createRuntime, type Runtime } from "../runtime.ts";
import { scheduleRecurring, startService } from "../service.ts";

const configOption = { config: { type: "string", short: "c" } } as const;

/** Runs until SIGTERM/SIGINT, then stops taking work, lets in-flight jobs finish, and exits 0. */
async function runUntilSignalled(stop: (graceMs: number) => Promise<void>, log: { info: (o: object, m: string) => void }): Promise<number> {
  const graceMs = Number(process.env.HERALD_SHUTDOWN_GRACE_MS ?? 10_000);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  log.info({ signal, graceMs }, "shutting down: finishing in-flight jobs");
  // A second signal means "now".
  const force = () => process.exit(1);
  process.once("SIGTERM", force);
  process.once("SIGINT", force);
  await stop(graceMs);
  log.info({}, "stopped cleanly");
  return 0;
}

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: configOption });
  const config = loadConfig(values.config);
  const service = await startService(config);
  service.runtime.log.info({ port: service.port, feeds: config.feeds.length, destinations: config.destinations.length }, "herald started");
  return runUntilSignalled((grace) => service.stop(grace), service.runtime.log);
}

export async function runWorker(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: configOption });
  const config = loadConfig(values.config);
  const runtime = await createRuntime(config);
  runtime.startWorkers();
  // Workers heal a Redis that lost its data too: the fleet may be all workers but one.
  const recovery = await startRecovery(runtime, () => scheduleRecurring(runtime));
  runtime.log.info({ concurrency: config.delivery.concurrency }, "herald worker started");
  return runUntilSignalled((grace) => {
    recovery.stop();
    return runtime.close(grace);
  }, runtime.log);
}

export async function runIngest(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...configOption, feed: { type: "string", short: "f" } } });
  const input = positionals[0];
  if (!input) {
    console.error("Usage: herald ingest <file|url> [--feed <id>] [--config <file>]");
    return 2;
  }
  const config = loadConfig(values.config);
  const feed = values.feed ? config.feeds.find((f) => f.id === values.feed) : (config.feeds.find((f) => f.type === "webhook") ?? config.feeds[0]);
  if (!feed) throw new Error(values.feed ? `no feed '${values.feed}' in the config` : "the config has no feeds to ingest into");
  const raw = /^https?:\/\//i.test(input) ? await fetchText(input) : await readFile(input, "utf8");
  const article = parsePost(raw, input, { baseUrl: feed.baseUrl ?? null, source: feed.name ?? null });
  const runtime = await createRuntime(config);
  try {
    const job = await runtime.ingestQueue.add("ingest", { feedId: feed.id, input, kind: "post", raw });
    console.log(`queued '${article.title}' (article ${article.id}) for feed ${feed.id} as job ${job.id}`);
  } finally {
    await runtime.close(0);
  }
  return 0;
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000), redirect: "follow" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

export async function runStatus(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...configOption, limit: { type: "string", short: "n", default: "20" } } });
  const config = loadConfig(values.config);
  const runtime = await createRuntime(config);
  try {
    console.log("Queues");
    for (const queue of [runtime.ingestQueue, runtime.deliverQueue, runtime.pollQueue]) {
      const c = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed", "prioritized");
      console.log(`  ${queue.name.padEnd(8)} waiting ${(c.waiting ?? 0) + (c.prioritized ?? 0)}  active ${c.active}  delayed ${c.delayed}  completed ${c.completed}  failed ${c.failed}`);
    }
    const counts = await runtime.store.countByState();
    console.log(`\nDeliveries: ${Object.entries(counts).map(([state, n]) => `${state} ${n}`).join(", ")}`);
    const recent = await runtime.store.listRecentDeliveries(Number(values.limit));
    for (const d of recent) {
      const title = shown((await runtime.store.getArticleVersion(d.articleId, d.version))?.article.title ?? d.articleId);
      const detail = d.state === "failed" ? ` — ${shown(d.lastError ?? "")}` : d.platformMessageId ? ` (message ${shown(d.platformMessageId)})` : "";
      console.log(`  ${d.updatedAt}  ${d.state.padEnd(9)} ${shown(d.destinationId).padEnd(16)} ${title.slice(0, 60)}${detail}`);
    }
    const flagged = (await runtime.store.listDestinations()).filter((d) => d.flaggedReason);
    for (const d of flagged) console.log(`\nDestination ${shown(d.id)} is flagged: ${shown(d.flaggedReason ?? "")}`);
    await printDuties(runtime);
  } finally {
    await runtime.close(0);
  }
  return 0;
}

/** Who does each singleton duty across the fleet, and since when; a duty nobody holds says so. */
async function printDuties(runtime: Runtime): Promise<void> {
  const holders = await listLeases(runtime.connection, runtime.config.redis.prefix);
  const names = [...new Set([...expectedDuties(runtime.config), ...holders.keys()])];
  console.log("\nDuties (one owner across the fleet)");
  for (const name of names) {
    const holder = holders.get(name);
    // Owner ids are host:pid:random; host names may contain colons (IPv6), so split from the right.
    const [host, pid] = holder ? [holder.owner.split(":").slice(0, -2).join(":"), holder.owner.split(":").at(-2)] : [];
    const owner = holder ? `${shown(host ?? "")} pid ${shown(pid ?? "")} since ${shown(holder.since)}` : "no owner: no running herald start holds it";
    console.log(`  ${shown(name).padEnd(32)} ${owner}`);
  }
}

/**
 * A stored string as one safe terminal line. Titles and reasons come from
 * strangers: ESC/OSC sequences would drive the operator's terminal, bidi
 * controls would reorder the line, and old rows may predate redaction.
 */
export function shown(text: string): string {
  return stripControlsInLine(redactSecrets(text));
}

/**
 * `herald register-commands [--guild <id>]`: Discord application commands
 * (global, or one guild — guild commands update at once, global ones within
 * an hour) and Telegram's en/ko command menus. Slack's slash commands live in
 * the app manifest (config/slack-manifest.yaml).
 */
export async function runRegisterCommands(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...configOption, guild: { type: "string", short: "g" } } });
  const config = loadConfig(values.config);
  const { createDiscordAdapter } = await import("../../adapters/discord/index.ts");
  const { checkTelegramToken, createTelegramBot } = await import("../../adapters/telegram/client.ts");
  const { registerTelegramCommands } = await import("../../adapters/telegram/bot-commands.ts");
  let done = 0;
  if (config.discord) {
    if (!config.discord.applicationId) throw new Error("discord.applicationId is required to register commands. Set it in the config (the Application ID on the Developer Portal).");
    const discord = createDiscordAdapter({ token: config.discord.token, mode: "none", apiUrl: config.discord.apiUrl });
    await discord.registerCommands(config.discord.applicationId, values.guild);
    console.log(`discord: /news and /feeds registered ${values.guild ? `in guild ${values.guild}` : "globally"}`);
    done++;
  }
  if (config.telegram) {
    const bot = createTelegramBot({ token: checkTelegramToken(config.telegram.token), apiRoot: config.telegram.apiUrl });
    await registerTelegramCommands(bot.api, config.telegram.token);
    console.log("telegram: command menus set (en, ko)");
    done++;
  }
  if (config.slack) console.log("slack: slash commands come from the app manifest (config/slack-manifest.yaml); nothing to register here");
  if (!done && !config.slack) console.error("no bot sections (discord:, telegram:) in the config: nothing to register");
  return done || config.slack ? 0 : 1;
}

import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { platforms } from "../../adapters/registry.ts";
import { loadConfig } from "../../config/load.ts";
import { sectionOf } from "../../config/schema.ts";
import { parsePost } from "../../src/article/index.ts";
import { parseRoles, type Roles, rolesText, WORKER_ROLES } from "../roles.ts";
import { createRuntime } from "../runtime.ts";
import { startService } from "../service.ts";

const configOption = { config: { type: "string", short: "c" } } as const;

/** Runs until SIGTERM/SIGINT, then stops taking work, lets in-flight jobs finish, and exits 0. */
async function runUntilSignalled(
  stop: (graceMs: number) => Promise<void>,
  log: { info: (o: object, m: string) => void },
): Promise<number> {
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

const rolesOption = { roles: { type: "string", short: "r" } } as const;

/** `herald start [--roles <list>]`: every role unless told otherwise (jobs/roles.ts). */
export function runStart(argv: string[]): Promise<number> {
  return runRoles("herald started", argv);
}

/** `herald worker` is `herald start --roles deliver`: no port, no bots, no sources, no Chromium. */
export function runWorker(argv: string[]): Promise<number> {
  return runRoles("herald worker started", argv, WORKER_ROLES);
}

async function runRoles(started: string, argv: string[], defaultRoles?: Roles): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...configOption, ...rolesOption } });
  // Before the config: a mistyped role fails the same way wherever the config is.
  const roles = values.roles === undefined ? defaultRoles : parseRoles(values.roles);
  const config = loadConfig(values.config);
  const service = await startService(config, { roles });
  const { log } = service.runtime;
  log.info(
    {
      roles: rolesText(service.roles),
      port: service.port,
      feeds: config.feeds.length,
      destinations: config.destinations.length,
      concurrency: config.delivery.concurrency,
    },
    started,
  );
  return runUntilSignalled((grace) => service.stop(grace), log);
}

export async function runIngest(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...configOption, feed: { type: "string", short: "f" } },
  });
  const input = positionals[0];
  if (!input) {
    console.error("Usage: herald ingest <file|url> [--feed <id>] [--config <file>]");
    return 2;
  }
  const config = loadConfig(values.config);
  const feed = values.feed
    ? config.feeds.find((f) => f.id === values.feed)
    : (config.feeds.find((f) => f.type === "webhook") ?? config.feeds[0]);
  if (!feed)
    throw new Error(values.feed ? `no feed '${values.feed}' in the config` : "the config has no feeds to ingest into");
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

/**
 * `herald register-commands [--guild <id>]`: each configured platform's
 * command menus, as its descriptor registers them (`--guild`: one server,
 * where the platform has servers; such commands update at once). A platform
 * whose commands are set up elsewhere (an app manifest) says where.
 */
export async function runRegisterCommands(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...configOption, guild: { type: "string", short: "g" } } });
  const config = loadConfig(values.config);
  let handled = 0;
  for (const platform of platforms()) {
    const section = sectionOf(config, platform.id);
    if (section === undefined) continue;
    if (platform.registerCommands) console.log(await platform.registerCommands(section, { guild: values.guild }));
    else if (platform.commandsSetUpElsewhere) console.log(platform.commandsSetUpElsewhere);
    else continue;
    handled++;
  }
  if (!handled) {
    const sections = platforms()
      .filter((p) => p.registerCommands)
      .map((p) => `${p.id}:`);
    console.error(`no bot sections (${sections.join(", ")}) in the config: nothing to register`);
  }
  return handled ? 0 : 1;
}

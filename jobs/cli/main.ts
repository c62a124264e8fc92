import { parseArgs } from "node:util";
import { type AnyPlatform, platforms } from "../../adapters/registry.ts";
import { type PreviewResult, preview } from "./preview.ts";

/** "Discord/Slack/Telegram": the help names what the registry holds. */
const titles = (list: readonly AnyPlatform[], separator = "/") => list.map((p) => p.title).join(separator);

const USAGE = `Usage: herald <command> [options]

Commands:
  preview <file|dir>... --out <dir>   Write each post's ${titles(platforms())} payloads, timeline card and preview.html
      --base-url <url>                Site base URL for links, images and permalinks (overrides the detected site's)
      --chromium <path>               Chromium binary (default: $HERALD_CHROMIUM_PATH or /usr/bin/chromium)

  start [--config <file>] [--roles <list>]
                                      Run the service; --roles picks some of http, sources, bots, ingest, deliver (default: all)
  worker [--config <file>] [--roles <list>]
                                      Run delivery workers only (--roles deliver; add as many as you like against the same Redis)
  ingest <file|url> [--feed <id>]     Queue one post for ingest and exit
  status [--config <file>] [--json]   Queue depths, the latest deliveries, flagged destinations, duties (--json: one object)
  trace <article id|url|file>         An article's versions and every delivery attempt per destination
  retract <article id|url>            Mark an article retracted (or delete it, per destination) wherever it was posted
  register-commands [--guild <id>]    Register the commands of ${titles(
    platforms().filter((p) => p.registerCommands),
    " and ",
  )}

The config file is --config, else $HERALD_CONFIG, else config/herald.yaml.`;

type Command = (argv: string[]) => Promise<number>;

/** How long a failed command may take to finish closing before the process exits anyway. */
const EXIT_GRACE_MS = 1000;

const commands: Record<string, Command> = {
  preview: runPreview,
  // Loaded on demand: previewing needs neither Redis nor the store.
  start: async (argv) => (await import("./service-commands.ts")).runStart(argv),
  worker: async (argv) => (await import("./service-commands.ts")).runWorker(argv),
  ingest: async (argv) => (await import("./service-commands.ts")).runIngest(argv),
  status: async (argv) => (await import("./status.ts")).runStatus(argv),
  trace: async (argv) => (await import("./trace.ts")).runTrace(argv),
  retract: async (argv) => (await import("./retract.ts")).runRetract(argv),
  "register-commands": async (argv) => (await import("./service-commands.ts")).runRegisterCommands(argv),
};

async function runPreview(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o", default: "out/preview" },
      "base-url": { type: "string" },
      chromium: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length === 0) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const tty = process.stderr.isTTY;
  const results = await preview({
    inputs: positionals,
    out: values.out,
    baseUrl: values["base-url"] ?? null,
    chromiumPath: values.chromium,
    onWarning: (message) => console.error(`herald preview: warning: ${message}`),
    onResult: (result, index, total) => {
      for (const warning of result.warnings) console.error(`herald preview: ${result.file}: warning: ${warning}`);
      if (result.ok) {
        if (tty) {
          const card = result.card ? `card ${result.card.width}×${result.card.height}` : "no timeline, no card";
          console.error(`[${index}/${total}] ${result.file} → ${result.dir} (${card})`);
        }
      } else if (result.skipped) console.error(`skipped ${result.file}: ${result.reason}`);
      else console.error(`herald preview: ${result.error}`);
    },
  });
  console.log(previewSummary(results, values.out));
  return results.some((r) => !r.ok && !r.skipped) ? 1 : 0;
}

/** "3 articles written to out, 2 skipped (a.md: draft (draft: true); …), 1 failed" — skipped posts are named: each is a story held back. */
export function previewSummary(results: PreviewResult[], out: string): string {
  const written = results.filter((r) => r.ok).length;
  const skipped = results.flatMap((r) => (!r.ok && r.skipped ? [`${r.file}: ${r.reason}`] : [])).sort();
  const failed = results.filter((r) => !r.ok && !r.skipped).length;
  const parts = [`herald preview: ${written} article${written === 1 ? "" : "s"} written to ${out}`];
  if (skipped.length) parts.push(`${skipped.length} skipped (${skipped.join("; ")})`);
  if (failed) parts.push(`${failed} failed`);
  return parts.join(", ");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.error(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`herald: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    console.error(`herald ${name}: ${error instanceof Error ? error.message : String(error)}`);
    // What a failed command left open (a socket still reconnecting) must not keep a failed process alive.
    setTimeout(() => process.exit(1), EXIT_GRACE_MS).unref();
    return 1;
  }
}

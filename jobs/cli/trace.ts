import { readFile, stat } from "node:fs/promises";
import type { HeraldConfig } from "../../config/schema.ts";
import { parsePost } from "../../src/article/index.ts";
import { openStore } from "../../src/store/index.ts";
import { carriedBy, collectTrace, platformAnswer, type Trace } from "../../src/trace/collect.ts";
import { articleRefArgs } from "./article-ref.ts";
import { shown } from "./shown.ts";

const USAGE = "Usage: herald trace <article id | url | post file> [--config <file>]";

/**
 * `herald trace <article id | url | file>`: the article's versions and, per destination, every
 * delivery attempt with the platform's answer. Opens only the store (no Redis), so it answers
 * on any host that reaches the database, even while Redis is down.
 */
export async function runTrace(argv: string[]): Promise<number> {
  const args = articleRefArgs(argv, USAGE);
  if (!args) return 2;
  const { ref, config } = args;
  const { url, path } = config.database;
  const store = await openStore(url ? { url } : { path });
  try {
    const articleId = (await isFile(ref)) ? await postId(ref, config) : ref;
    const stored = await store.findArticleByIdOrUrl(articleId);
    if (!stored) {
      console.error(`herald trace: no stored article with the id or url '${shown(articleId)}' (${store.location})`);
      return 1;
    }
    console.log(traceText(await collectTrace(store, stored)));
    return 0;
  } finally {
    await store.close();
  }
}

async function isFile(ref: string): Promise<boolean> {
  return (await stat(ref).catch(() => null))?.isFile() ?? false;
}

/** A post file's article id, parsed exactly as `herald ingest` parses it (the default ingest feed's base URL and name). */
async function postId(file: string, config: HeraldConfig): Promise<string> {
  const feed = config.feeds.find((f) => f.type === "webhook") ?? config.feeds[0];
  return parsePost(await readFile(file), file, { baseUrl: feed?.baseUrl ?? null, source: feed?.name ?? null }).id;
}

/** The trace as terminal lines; every stored string goes through `shown` (titles and reasons come from strangers). */
export function traceText(trace: Trace): string {
  const lines = [`Article ${shown(trace.articleId)}${trace.url ? `  ${shown(trace.url)}` : ""}`, "", "Versions"];
  for (const v of trace.versions) lines.push(`  v${v.version}  stored ${v.storedAt}  ${shown(v.title).slice(0, 80)}`);
  lines.push("", "Deliveries");
  if (trace.destinations.length === 0) lines.push("  none recorded: no destination was due this article");
  for (const d of trace.destinations) {
    lines.push(`  ${shown(d.id)}${d.type ? ` (${shown(d.type)})` : ""}`);
    if (d.flaggedReason) lines.push(`    flagged: ${shown(d.flaggedReason)}`);
    for (const delivery of d.deliveries) {
      const message = delivery.platformMessageId ? `, message ${shown(delivery.platformMessageId)}` : "";
      const carrier = carriedBy(delivery, d);
      lines.push(
        carrier !== null
          ? `    v${delivery.version} delivered in v${carrier}'s message ${shown(delivery.platformMessageId ?? "")} (replaced before it went out: no send of its own)`
          : `    v${delivery.version} ${delivery.state}${delivery.permanentFailure ? " (permanently)" : ""}, ${delivery.attempts} send${delivery.attempts === 1 ? "" : "s"}${message}`,
      );
    }
    for (const a of d.attempts) {
      const answer = platformAnswer(a);
      const detail = [
        answer,
        a.messageId ? `message ${shown(a.messageId)}` : "",
        a.error ? `— ${shown(a.error)}` : "",
      ].filter((p) => p);
      lines.push(`    ${a.at}  v${a.version}  ${a.outcome.padEnd(12)} ${detail.join("  ")}`.trimEnd());
    }
  }
  return lines.join("\n");
}

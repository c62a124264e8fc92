/**
 * Parse + format throughput on one core: every example and fixture post (and
 * the shared corpus's posts when present) parsed with `parsePost`, built into
 * a message and formatted for Discord, Slack and Telegram. Posts that do not
 * parse (they are there to test errors) are skipped and counted. The baseline
 * is a JSON.parse(JSON.stringify(article)) round trip of the same articles: a
 * floor for merely copying every field.
 * Run alone with `node --import tsx bench/format.ts`.
 */
import { formatDiscord } from "../adapters/discord/format.ts";
import { formatSlack } from "../adapters/slack/format.ts";
import { formatTelegram } from "../adapters/telegram/format.ts";
import { parsePost } from "../src/article/index.ts";
import type { Article } from "../src/article/types.ts";
import { buildMessage } from "../src/message/build.ts";
import { linkedCard, uploadedCard } from "../src/message/card-placement.ts";
import type { CardRef, Detail } from "../src/message/types.ts";
import { heading, isMain, note, report, type Stats, sample } from "./lib.ts";
import { loadPosts } from "./posts.ts";

const CARD: CardRef = {
  filename: "timeline.png",
  url: "https://cdn.example.com/timeline.png",
  width: 1200,
  height: 630,
};
const RUNS = 30;
const WARMUP = 5;

/** Builds and formats one article for all three platforms; returns a size so the work cannot be skipped. */
function formatOne(article: Article, detail: Detail): number {
  const message = buildMessage(article, { detail, card: article.timeline ? CARD : null });
  return (
    (formatDiscord(message, uploadedCard(message.card)).embeds?.length ?? 0) +
    formatSlack(message, linkedCard(message.card)).blocks.length +
    formatTelegram(message, 1, uploadedCard(message.card)).length
  );
}

function roundTrip(articles: Article[]): number {
  return articles.reduce((n, article) => n + (JSON.parse(JSON.stringify(article)) as Article).body.length, 0);
}

/** Parse + build + three formatters per post, vs the JSON round trip; then formatting alone by detail. */
export async function benchParseFormat(): Promise<void> {
  const files = loadPosts();
  const parsed = files.flatMap((file) => {
    try {
      return [{ file, article: parsePost(file.raw, file.name) }];
    } catch {
      return [];
    }
  });
  const posts = parsed.map((p) => p.file);
  const articles = parsed.map((p) => p.article);
  const bytes = posts.reduce((n, post) => n + post.raw.length, 0);
  heading("parse+format: parsePost + buildMessage + Discord/Slack/Telegram formatters, one core", {
    posts: posts.length,
    "skipped (do not parse)": files.length - posts.length,
    "input KB": Math.round(bytes / 1024),
    runs: RUNS,
  });
  if (articles.length === 0) throw new Error("parse+format: no post parsed; nothing to benchmark");

  const baseline = await sample(RUNS, () => roundTrip(articles), WARMUP);
  const subject = await sample(
    RUNS,
    () => posts.reduce((n, post) => n + formatOne(parsePost(post.raw, post.name), "summary"), 0),
    WARMUP,
  );
  const rate = Math.round(posts.length / (subject.median / 1000));
  report(
    `parse + format ${posts.length} posts (per run)`,
    subject,
    baseline,
    `${rate.toLocaleString("en-US")} articles/s on one core (target ≥ 1,000/s)`,
  );
  const formatOnly = await benchFormat(articles, baseline);
  note(
    `parsing takes ${Math.round((1 - formatOnly.median / subject.median) * 100)} % of parse + format (summary detail)`,
  );
}

/** Formatting alone (articles already parsed), summary and full detail, against `baseline` (or a fresh round trip). */
export async function benchFormat(articles: Article[], baseline?: Stats): Promise<Stats> {
  if (articles.length === 0) throw new Error("benchFormat needs at least one article to format");
  const floor = baseline ?? (await sample(RUNS, () => roundTrip(articles), WARMUP));
  let summary: Stats | null = null;
  for (const detail of ["summary", "full"] as const) {
    // Renderings are cached per model node, so every run gets articles it has not seen.
    const fresh = Array.from({ length: RUNS + WARMUP }, () => structuredClone(articles));
    let run = 0;
    const subject = await sample(
      RUNS,
      () => (fresh[run++] ?? articles).reduce((n, article) => n + formatOne(article, detail), 0),
      WARMUP,
    );
    const perSecond = Math.round(articles.length / (subject.median / 1000));
    report(
      `format only, ${detail}: build + 3 formatters (per run)`,
      subject,
      floor,
      `${perSecond.toLocaleString("en-US")} articles/s`,
    );
    summary ??= subject;
  }
  return summary as Stats;
}

if (isMain(import.meta.url)) await benchParseFormat();

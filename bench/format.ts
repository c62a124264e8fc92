/**
 * Formatting throughput: buildMessage plus the Discord, Slack and Telegram
 * formatters, per article, on one core. The baseline is JSON.stringify of the
 * same articles: a floor for merely touching every byte.
 */
import { formatDiscord } from "../adapters/discord/format.ts";
import { formatSlack } from "../adapters/slack/format.ts";
import { formatTelegram } from "../adapters/telegram/format.ts";
import type { Article } from "../src/article/types.ts";
import { buildMessage } from "../src/message/build.ts";
import type { CardRef, Detail } from "../src/message/types.ts";
import { report, sample } from "./lib.ts";

const CARD: CardRef = { filename: "timeline.png", url: "https://cdn.example.com/timeline.png", width: 1200, height: 630 };
const RUNS = 15;
const WARMUP = 3;

function formatAll(articles: Article[], detail: Detail): number {
  let bytes = 0;
  for (const article of articles) {
    const message = buildMessage(article, { detail, card: article.timeline ? CARD : null });
    bytes += formatDiscord(message).embeds?.length ?? 0;
    bytes += formatSlack(message).blocks.length;
    bytes += formatTelegram(message, 1).length;
  }
  return bytes;
}

export async function benchFormat(articles: Article[]): Promise<void> {
  if (articles.length === 0) throw new Error("benchFormat needs at least one article to format");
  const baseline = await sample(
    RUNS,
    () => articles.reduce((n, article) => n + JSON.stringify(article).length, 0),
    WARMUP,
  );
  for (const detail of ["summary", "full"] as const) {
    // Renderings are cached per model node, so every run gets articles it has not seen.
    const fresh = Array.from({ length: RUNS + WARMUP }, () => structuredClone(articles));
    let run = 0;
    const subject = await sample(RUNS, () => formatAll(fresh[run++] ?? articles, detail), WARMUP);
    const perSecond = Math.round(articles.length / (subject.median / 1000));
    report(
      `format ${articles.length} articles (${detail}: build + Discord + Slack + Telegram)`,
      subject,
      baseline,
      `${perSecond.toLocaleString("en-US")} articles/s on one core (target ≥ 1,000 including parsing)`,
    );
  }
}

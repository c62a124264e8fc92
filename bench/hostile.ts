/**
 * Hostile input: 80 KB articles made of the shapes that once made parsing or
 * formatting quadratic (`{{` runs, `*a*a*a…`, newline runs, deep nesting, …,
 * see tests/helpers/hostile.ts), each through parsePost + buildMessage (full
 * detail, with a card) + the Discord, Slack and Telegram formatters. The
 * baseline is a normal Korean news article of the same size (the example
 * post's text, extended to 80 KB), measured in the same run: a hostile
 * article should cost about what a normal one of its size does, not seconds.
 * Run alone with `node --import tsx bench/hostile.ts`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatDiscord } from "../adapters/discord/format.ts";
import { formatSlack } from "../adapters/slack/format.ts";
import { formatTelegram } from "../adapters/telegram/format.ts";
import { ArticleParseError, parsePost } from "../src/article/index.ts";
import { buildMessage } from "../src/message/build.ts";
import { linkedCard, uploadedCard } from "../src/message/card-placement.ts";
import type { CardRef } from "../src/message/types.ts";
import { HOSTILE_SHAPES, hostileText } from "../tests/helpers/hostile.ts";
import { PROJECT_ROOT } from "./harness.ts";
import { heading, isMain, note, report, sample } from "./lib.ts";

const SIZE = 80 * 1024;
const RUNS = 15;
const WARMUP = 2;
const CARD: CardRef = {
  filename: "timeline.png",
  url: "https://cdn.example.com/timeline.png",
  width: 1200,
  height: 630,
};

/** Parse + build + three formatters; a post refused as too deeply nested counts as done (refusing is its handling). */
function handle(post: string): number {
  try {
    const message = buildMessage(parsePost(post, "hostile.md", { baseUrl: "https://news.example.kr" }), {
      detail: "full",
      card: CARD,
    });
    return (
      (formatDiscord(message, uploadedCard(message.card)).embeds?.length ?? 0) +
      formatSlack(message, linkedCard(message.card)).blocks.length +
      formatTelegram(message, 1, uploadedCard(message.card)).length
    );
  } catch (error) {
    if (error instanceof ArticleParseError) return 0;
    throw error;
  }
}

/** The example Korean breaking-news post with its body's paragraphs repeated until the post is `size` code units. */
function normalArticle(size: number): string {
  const example = readFileSync(join(PROJECT_ROOT, "examples/posts/2026-10-14-herald-cloud-outage.md"), "utf8");
  const bodyStart = example.indexOf("\n---\n", 4) + 5;
  const paragraphs = example.slice(bodyStart).match(/<p>(?!<img)[\s\S]*?<\/p>/g) ?? [];
  if (paragraphs.length === 0) throw new Error("hostile: the example post has no paragraphs to extend");
  let post = example;
  for (let i = 0; post.length < size; i++) post += `\n\n${paragraphs[i % paragraphs.length]}`;
  return post;
}

export async function benchHostile(): Promise<void> {
  const normal = normalArticle(SIZE);
  heading("hostile: 80 KB adversarial posts through parsePost + buildMessage (full, card) + 3 formatters", {
    "post KB": SIZE / 1024,
    shapes: HOSTILE_SHAPES.length,
    runs: RUNS,
  });
  const baseline = await sample(RUNS, () => handle(normal), WARMUP);
  note(
    `baseline: a normal Korean news article of ${Math.round(normal.length / 1024)} KB (${normal.length.toLocaleString("en-US")} code units): median ${baseline.median.toFixed(1)} ms, p95 ${baseline.p95.toFixed(1)} ms`,
  );
  let worst = { shape: "", ratio: 0 };
  for (const shape of HOSTILE_SHAPES) {
    const post = `---\ntitle: Hostile ${shape}\n---\n${hostileText(shape, SIZE)}`;
    const subject = await sample(RUNS, () => handle(post), WARMUP);
    const ratio = subject.median / baseline.median;
    if (ratio > worst.ratio) worst = { shape, ratio };
    report(`${shape} (per article)`, subject, baseline, `${ratio.toFixed(2)}x the normal article's time`);
  }
  note(`slowest hostile shape: ${worst.shape}, ${worst.ratio.toFixed(2)}x a normal article of the same size`);
}

if (isMain(import.meta.url)) await benchHostile();

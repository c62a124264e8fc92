import { retractArticle } from "../pipeline/retract.ts";
import { createRuntime } from "../runtime.ts";
import { articleRefArgs } from "./article-ref.ts";
import { shown } from "./shown.ts";

const USAGE = "Usage: herald retract <article id | url> [--config <file>]";

/**
 * `herald retract <article id | url>`: the article is marked retracted (or deleted, per destination
 * `retractions`) everywhere it was posted, by the running delivery workers; nowhere else is it posted.
 */
export async function runRetract(argv: string[]): Promise<number> {
  const args = articleRefArgs(argv, USAGE);
  if (!args) return 2;
  const { ref, config } = args;
  const runtime = await createRuntime(config);
  try {
    const stored = await runtime.store.findArticleByIdOrUrl(ref);
    if (!stored) {
      console.error(`herald retract: no stored article with the id or url '${shown(ref)}' (${runtime.store.location})`);
      return 1;
    }
    const outcome = await retractArticle(stored, runtime);
    console.log(
      outcome.status === "retracted"
        ? `retracted '${shown(stored.article.title)}' (article ${outcome.articleId} v${outcome.version}); queued to ${outcome.queued} destination${outcome.queued === 1 ? "" : "s"} that got it`
        : `'${shown(stored.article.title)}' (article ${outcome.articleId}) was already retracted; nothing to do`,
    );
    return 0;
  } finally {
    await runtime.close(0);
  }
}

import type { CardFile } from "../adapter.ts";
import type { Article } from "../article/types.ts";
import { cardDataFromArticle, cardKey } from "../card/index.ts";
import { pngSize } from "../card/png.ts";
import type { CommandReply } from "../chat/types.ts";
import { buildMessage } from "../message/build.ts";
import type { CardRef } from "../message/types.ts";
import { truncate } from "../text/truncate.ts";
import { channelFeeds } from "./channel.ts";
import { code, reply, sayReply } from "./reply.ts";
import type { CommandContext } from "./types.ts";

const CARD_FILENAME = "timeline.png";
/** Longer refs are neither ids nor links Herald stored; answered as not found without a lookup. */
const MAX_REF_LENGTH = 2048;

/**
 * `/news show <id or link>`: the whole article formatted like a delivery,
 * with its timeline card when one is cached. Cards are not rendered here (no
 * browser on the command path): an article whose card was never drawn is
 * shown without one. Only articles of the feeds that post to this channel
 * are found: a channel never reads what other servers' feeds brought in.
 */
export async function newsShow(ctx: CommandContext): Promise<CommandReply> {
  const { lang } = ctx;
  const ref = (ctx.request.options.article ?? "").trim();
  if (ref === "")
    return sayReply(lang, "show.missing", { example: code("/news show https://news.example/2026/10/14/outage") });
  const feeds = await channelFeeds(ctx);
  if (feeds.length === 0) return sayReply(lang, "news.noFeeds", { example: code("/feeds add <url>") });
  const feedIds = feeds.map((feed) => feed.id);
  const stored = ref.length <= MAX_REF_LENGTH ? await ctx.services.store.findArticleByIdOrUrl(ref, { feedIds }) : null;
  if (!stored) return sayReply(lang, "show.notFound", { ref: truncate(ref, 200) });

  const card = await cachedCard(ctx, stored.article);
  const message = buildMessage(stored.article, {
    detail: "full",
    card: card?.ref ?? null,
    ...(ctx.request.locale ? { locale: ctx.request.locale } : {}),
  });
  // The article is the reply; blocks stay empty so adapters do not show the title twice.
  return reply([], { message, card: card?.file ?? null });
}

async function cachedCard(ctx: CommandContext, article: Article): Promise<{ ref: CardRef; file: CardFile } | null> {
  const data = cardDataFromArticle(article);
  if (!data) return null;
  const png = await ctx.services.store.getCard(cardKey(data));
  if (!png) return null;
  try {
    const { width, height } = pngSize(png);
    return { ref: { filename: CARD_FILENAME, url: null, width, height }, file: { filename: CARD_FILENAME, png } };
  } catch (error) {
    // A damaged cache entry costs the picture, not the answer.
    ctx.services.log?.warn(
      { err: error, articleId: article.id },
      "cached card is not a PNG; showing the article without it",
    );
    return null;
  }
}

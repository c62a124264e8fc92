import type { CardFile } from "../adapter.ts";
import type { Article } from "../article/types.ts";
import { cardDataFromArticle, cardKey } from "../card/index.ts";
import { pngSize } from "../card/png.ts";
import type { CommandReply } from "../chat/types.ts";
import { buildMessage } from "../message/build.ts";
import type { CardRef, NewsMessage } from "../message/types.ts";
import type { FeedRecord, StoredArticle } from "../store/index.ts";
import { retractedMessage, storyZone, updatedMessage, versionTimesText } from "../story/index.ts";
import { truncate } from "../text/truncate.ts";
import { channelFeeds } from "./channel.ts";
import { code, paragraph, reply, say, sayReply } from "./reply.ts";
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

  const retracted = stored.article.retracted === true;
  const card = retracted ? null : await cachedCard(ctx, stored.article);
  const built = buildMessage(stored.article, {
    detail: "full",
    card: card?.ref ?? null,
    ...(ctx.request.locale ? { locale: ctx.request.locale } : {}),
  });
  const zone = storyZone(stored.article.language, siteZoneOf(feeds.find((feed) => feed.id === stored.feedId)));
  const message = retracted ? retractedMessage(built) : await withHistory(ctx, stored, built, zone);
  // The article is the reply; blocks stay empty so adapters do not show the title twice.
  return reply([], { message, card: card?.file ?? null });
}

/** Versions listed by `/news show`: the newest ones, the rest counted. */
const HISTORY_SHOWN = 10;

/**
 * A developing story shows as members see it after its last edit (the "updated" marker), with the
 * times of its versions first: when it was posted and each time it moved.
 */
async function withHistory(
  ctx: CommandContext,
  stored: StoredArticle,
  message: NewsMessage,
  zone: string,
): Promise<NewsMessage> {
  if (stored.version <= 1) return message;
  const first = Math.max(1, stored.version - HISTORY_SHOWN + 1);
  const versions = await Promise.all(
    Array.from({ length: stored.version - first + 1 }, (_, i) =>
      ctx.services.store.getArticleVersion(stored.article.id, first + i),
    ),
  );
  const times = versions.flatMap((v) => (v ? [{ version: v.version, at: v.createdAt }] : []));
  const last = times.at(-1);
  if (!last) return message;
  const history = say(ctx.lang, "show.history", {
    count: stored.version - 1,
    times: versionTimesText(times, zone, first - 1),
  });
  return {
    ...updatedMessage(message, { at: Date.parse(last.at), zone }),
    blocks: [paragraph(history), ...message.blocks],
  };
}

/** A directory feed's configured site zone, as the store keeps the feed's config. */
function siteZoneOf(feed: FeedRecord | undefined): string | null {
  const site = feed?.config.site;
  const zone = site && typeof site === "object" ? (site as Record<string, unknown>).timezone : undefined;
  return typeof zone === "string" ? zone : null;
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

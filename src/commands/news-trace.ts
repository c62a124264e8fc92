import type { Block, Inline } from "../article/types.ts";
import type { CommandReply } from "../chat/types.ts";
import type { StringKey } from "../i18n/index.ts";
import { formatMessageDate } from "../message/date.ts";
import { redactSecrets } from "../net/redact.ts";
import type { DeliveryAttempt } from "../store/index.ts";
import { truncate } from "../text/truncate.ts";
import { carriedBy, collectTrace, platformAnswer, type TraceDestination } from "../trace/collect.ts";
import { channelDestinations, channelFeeds } from "./channel.ts";
import { code, oneLine, paragraph, reply, say, sayReply, strong, text } from "./reply.ts";
import type { CommandContext } from "./types.ts";

/** Longer refs are neither ids nor links Herald stored; answered as not found without a lookup. */
const MAX_REF_LENGTH = 2048;
/** A chat reply shows the newest attempts per destination; `herald trace` shows all that are kept. */
const ATTEMPTS_SHOWN = 5;
/** Stored errors run to 2000 characters; a chat line needs the gist. */
const ERROR_LENGTH = 200;

/**
 * `/news trace <id or link>` (admins only): why an article was or was not
 * delivered to this channel — its versions, and per destination of this
 * channel the delivery state and the newest attempts with the platform's
 * answer. Like /news show it only finds articles of this channel's feeds, and
 * it never names other channels' destinations or their errors.
 */
export async function newsTrace(ctx: CommandContext): Promise<CommandReply> {
  const { lang } = ctx;
  if (!(await ctx.request.isAdmin())) return sayReply(lang, "trace.notAdmin");
  const ref = (ctx.request.options.article ?? "").trim();
  if (ref === "")
    return sayReply(lang, "show.missing", { example: code("/news trace https://news.example/2026/10/14/outage") });
  const destinationIds = await channelDestinations(ctx);
  const feeds = await channelFeeds(ctx, destinationIds);
  if (feeds.length === 0) return sayReply(lang, "news.noFeeds", { example: code("/feeds add <url>") });
  const feedIds = feeds.map((feed) => feed.id);
  const stored = ref.length <= MAX_REF_LENGTH ? await ctx.services.store.findArticleByIdOrUrl(ref, { feedIds }) : null;
  if (!stored) return sayReply(lang, "show.notFound", { ref: truncate(ref, 200) });

  const trace = await collectTrace(ctx.services.store, stored, destinationIds);
  const when = (iso: string) => formatMessageDate(iso, lang) ?? iso;
  const blocks: Block[] = [
    paragraph([strong(text(oneLine(stored.article.title))), text(" "), code(stored.article.id)]),
    paragraph(
      say(lang, "trace.versions", {
        versions: trace.versions.map((v) => `v${v.version} ${when(v.storedAt)}`).join(", "),
      }),
    ),
  ];
  if (trace.destinations.length === 0) blocks.push(paragraph(say(lang, "trace.none")));
  for (const destination of trace.destinations) blocks.push(...destinationBlocks(ctx, destination, when));
  return reply(blocks);
}

function destinationBlocks(ctx: CommandContext, destination: TraceDestination, when: (iso: string) => string): Block[] {
  const { lang } = ctx;
  const states = destination.deliveries.map((d) => {
    const carrier = carriedBy(d, destination);
    const state = carrier === null ? d.state : `${d.state} via v${carrier}`;
    return `v${d.version} ${state}${d.platformMessageId ? ` (${d.platformMessageId})` : ""}`;
  });
  const head: Inline[] = [code(destination.id), text(`: ${states.join(", ")}`)];
  if (destination.flaggedReason)
    head.push(
      { type: "break" },
      strong(...say(lang, "trace.flagged", { reason: remoteText(destination.flaggedReason) })),
    );
  const blocks: Block[] = [paragraph(head)];
  const shown = destination.attempts.slice(-ATTEMPTS_SHOWN);
  if (shown.length > 0)
    blocks.push({ type: "list", ordered: false, items: shown.map((a) => attemptLine(ctx, a, when)) });
  const hidden = destination.attempts.length - shown.length;
  if (hidden > 0) blocks.push(paragraph(say(lang, "trace.more", { count: hidden, command: code("herald trace") })));
  return blocks;
}

const OUTCOME: Record<DeliveryAttempt["outcome"], StringKey> = {
  delivered: "trace.outcome.delivered",
  failed: "trace.outcome.failed",
  rate_limited: "trace.outcome.rateLimited",
  retrying: "trace.outcome.retrying",
};

function attemptLine({ lang }: CommandContext, attempt: DeliveryAttempt, when: (iso: string) => string): Inline[] {
  const line: Inline[] = [
    text(`${when(attempt.at)} · v${attempt.version} · `),
    strong(...say(lang, OUTCOME[attempt.outcome])),
  ];
  const answer = platformAnswer(attempt);
  if (answer) line.push(text(` · ${answer}`));
  if (attempt.messageId) line.push(text(" · "), code(attempt.messageId));
  if (attempt.error) line.push(text(` — ${truncate(remoteText(attempt.error), ERROR_LENGTH)}`));
  return line;
}

/** A stored reason quoting a remote answer, as one clean line (rows may predate redaction). */
function remoteText(value: string): string {
  return oneLine(redactSecrets(value));
}

import type { Block, Inline } from "../article/types.ts";
import { fillParts, type StringKey, t, template } from "../i18n/strings.ts";
import { cleanBlocks, cleanText } from "../message/clean.ts";
import { labelsFor } from "../message/labels.ts";
import type { NewsMessage } from "../message/types.ts";
import { type AlertNotice, type AlertSubject, alertKey } from "./subject.ts";

/**
 * The message for one alert transition, in the alert channel's language:
 * a title naming what broke (or works again), then the reason, since when,
 * and what to do. Pure, and shaped like a news message so every platform's
 * formatter renders it natively (Discord embeds without mentions, Slack
 * blocks, Telegram HTML) and escapes the remote text in it.
 *
 * @example buildAlertMessage({ subject: { kind: "feed", feedId: "hn" }, transition: "opened", reason: "HTTP 500", since, at: since }, "ko")
 */
export function buildAlertMessage(notice: AlertNotice, locale: string): NewsMessage {
  const { subject } = notice;
  const names = subjectNames(subject);
  const recovered = notice.transition === "recovered";
  const title = t(locale, `alert.${subject.kind}.${recovered ? "recovered" : "opened"}` as StringKey, names);
  const blocks: Block[] = recovered
    ? [paragraph(locale, "alert.brokenFrom", { since: shownTime(notice.since), until: shownTime(notice.at) })]
    : [
        paragraph(locale, "alert.reason", { reason: notice.reason }),
        paragraph(locale, notice.transition === "repeated" ? "alert.stillSince" : "alert.since", {
          since: shownTime(notice.since),
        }),
        paragraph(locale, `alert.${subject.kind}.todo` as StringKey, {}, commandsFor(subject)),
      ];
  return {
    articleId: `alert.${alertKey(subject)}`,
    title: `${recovered ? "✅" : "⚠️"} ${cleanText(title.replace(/\s+/g, " "))}`,
    url: null,
    source: t(locale, "alert.source"),
    date: notice.at,
    language: locale,
    categories: [],
    blocks: cleanBlocks(blocks),
    image: null,
    card: null,
    timeline: null,
    readMoreLabel: labelsFor(locale).readMore,
  };
}

function subjectNames(subject: AlertSubject): Record<string, string> {
  switch (subject.kind) {
    case "feed":
      return { feed: subject.feedId };
    case "destination":
      return { destination: subject.destinationId };
    case "delivery":
      return { article: `${subject.articleId} v${subject.version}`, destination: subject.destinationId };
    case "backlog":
      return { queue: subject.queue };
  }
}

/** Commands the "what to do" line names, shown as code so they can be copied. */
function commandsFor(subject: AlertSubject): Record<string, string> {
  if (subject.kind === "delivery") return { trace: `herald trace ${subject.articleId}` };
  if (subject.kind === "backlog") return { status: "herald status" };
  return {};
}

/** A template as one paragraph: `text` parameters as plain text, `code` parameters as inline code. */
function paragraph(
  locale: string,
  key: StringKey,
  text: Record<string, string>,
  code: Record<string, string> = {},
): Block {
  const params: Record<string, Inline> = {};
  for (const [name, value] of Object.entries(text)) params[name] = { type: "text", value };
  for (const [name, value] of Object.entries(code)) params[name] = { type: "code", value };
  const children: Inline[] = [];
  for (const part of fillParts<Inline>(template(locale, key), params)) {
    const node: Inline = typeof part === "string" ? { type: "text", value: part } : part;
    const last = children.at(-1);
    // Adjacent text is one node, so formatters escape and fit it as one run.
    if (last?.type === "text" && node.type === "text")
      children[children.length - 1] = { type: "text", value: last.value + node.value };
    else children.push(node);
  }
  return { type: "paragraph", children };
}

/** `2026-12-05T08:00:12.345Z` → `2026-12-05 08:00 UTC`: the same for every reader, whatever their time zone. */
function shownTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}

import type { Inline } from "../article/types.ts";
import { type Language, t } from "../i18n/index.ts";
import { formatMessageDate } from "../message/date.ts";
import type { ArticleSummary } from "../store/index.ts";
import { code, linkOrText, oneLine, text } from "./reply.ts";

/**
 * One article as a list item: its title (a link when it has a URL), then
 * date and source. Articles without a URL show their id instead, so
 * `/news show <id>` can still open them.
 *
 * @example [link("MS 아웃룩 장애"), text(" · 2024년 7월 11일 오전 11:00 · newsdao.kr")]
 */
export function articleLine(article: ArticleSummary, lang: Language): Inline[] {
  const title = oneLine(article.title) || t(lang, "article.untitled");
  const titleInline = linkOrText(article.url, title);
  const line: Inline[] = [titleInline];
  const details = [formatMessageDate(article.date, lang), article.source ? oneLine(article.source) : null].filter(
    (part): part is string => Boolean(part),
  );
  if (details.length > 0) line.push(text(` · ${details.join(" · ")}`));
  if (titleInline.type !== "link") line.push(text(" · "), code(article.id));
  return line;
}

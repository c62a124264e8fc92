/**
 * Just enough of each platform's markup rendered to HTML for the preview page:
 * what a member would see, read back from the exact payload Herald sends.
 * Input is Herald's own formatter output; everything is escaped first.
 */

export const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const httpUrl = (url: string) => (/^https?:\/\//i.test(url) ? url : null);
const link = (url: string, text: string) => {
  const href = httpUrl(url);
  return href ? `<a href="${escapeHtml(href)}" rel="noreferrer">${text}</a>` : text;
};

/** Discord markdown (as Herald writes it) → HTML. Backslash escapes are honoured. */
export function discordToHtml(markdown: string): string {
  const escapes: string[] = [];
  let s = markdown.replace(/\\([\\*_~`|>#\-[\]()<@.!:])/g, (_, ch: string) => `\u0000${escapes.push(ch) - 1}\u0000`);
  s = escapeHtml(s)
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, text: string, url: string) => link(url.replace(/&amp;/g, "&"), text))
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>")
    .replace(/\*([^*]+)\*/g, "<i>$1</i>")
    .replace(/~~([^~]+)~~/g, "<s>$1</s>")
    .replace(/\n/g, "<br>");
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => escapeHtml(escapes[Number(i)] ?? ""));
}

/** Slack mrkdwn (already &-escaped by the formatter) → HTML. */
export function slackToHtml(mrkdwn: string): string {
  return mrkdwn
    .replace(/"/g, "&quot;")
    .replace(/<([^|>]+)\|([^>]+)>/g, (_, url: string, text: string) => link(url.replace(/&amp;/g, "&"), text))
    .replace(/<(https?:[^>]+)>/g, (_, url: string) => link(url.replace(/&amp;/g, "&"), url))
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/(^|\s)\*([^*\n]+)\*/g, "$1<b>$2</b>")
    .replace(/(^|\s)_([^_\n]+)_/g, "$1<i>$2</i>")
    .replace(/(^|\s)~([^~\n]+)~/g, "$1<s>$2</s>")
    .replace(/\n/g, "<br>");
}

/** Telegram HTML is already a safe subset (Herald emits only Telegram's tags, text escaped). */
export function telegramToHtml(html: string): string {
  return html.replace(/<tg-spoiler>|<\/tg-spoiler>/g, "").replace(/\n/g, "<br>");
}

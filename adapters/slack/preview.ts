/**
 * How `herald preview` shows a Slack payload: its Block Kit blocks, read back
 * from the exact body Herald sends.
 */
import { escapeHtml, htmlLink } from "../shared/html.ts";

// biome-ignore lint/suspicious/noExplicitAny: Block Kit blocks are read loosely for display only.
type SlackBlock = any;

/** Slack mrkdwn (already &-escaped by the formatter) → HTML. */
export function slackToHtml(mrkdwn: string): string {
  return mrkdwn
    .replace(/"/g, "&quot;")
    .replace(/<([^|>]+)\|([^>]+)>/g, (_, url: string, text: string) => htmlLink(url.replace(/&amp;/g, "&"), text))
    .replace(/<(https?:[^>]+)>/g, (_, url: string) => htmlLink(url.replace(/&amp;/g, "&"), url))
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/(^|\s)\*([^*\n]+)\*/g, "$1<b>$2</b>")
    .replace(/(^|\s)_([^_\n]+)_/g, "$1<i>$2</i>")
    .replace(/(^|\s)~([^~\n]+)~/g, "$1<s>$2</s>")
    .replace(/\n/g, "<br>");
}

export function slackMock(payload: unknown, card: string | null): string {
  const message = payload as { text: string; blocks: SlackBlock[] };
  const blocks = message.blocks
    .map((b: SlackBlock) => {
      switch (b.type) {
        case "header":
          return `<div class="s-header">${escapeHtml(b.text.text)}</div>`;
        case "section":
          return `<div class="s-section">${b.text?.type === "mrkdwn" ? slackToHtml(b.text.text) : escapeHtml(b.text?.text ?? "")}</div>`;
        case "context":
          return `<div class="s-context">${b.elements.map((e: SlackBlock) => (e.type === "mrkdwn" ? slackToHtml(e.text) : escapeHtml(e.text ?? ""))).join(" ")}</div>`;
        case "image":
          return card ? `<img class="s-image" src="${escapeHtml(card)}" alt="${escapeHtml(b.alt_text ?? "")}">` : "";
        case "actions":
          return `<div class="s-actions">${b.elements.map((e: SlackBlock) => `<span class="button">${escapeHtml(e.text?.text ?? "")}</span>`).join("")}</div>`;
        case "divider":
          return "<hr>";
        default:
          return "";
      }
    })
    .join("");
  return `<div class="msg"><div class="author">Herald <span class="bot">APP</span></div>${blocks}</div>`;
}

/** `.button` is also what the Telegram mock's inline keyboard uses; it sits here to keep the page's CSS in its original order. */
export const SLACK_PREVIEW_CSS = `.slack .msg{background:#fff;border:1px solid #ddd}.s-header{font-size:17px;font-weight:800;margin-bottom:6px}
.s-section{margin:6px 0}.s-context{font-size:12px;color:#616061}.s-image{width:100%;border-radius:6px;margin:6px 0}
.button{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:3px 10px;margin:4px 4px 0 0;font-weight:600}
`;

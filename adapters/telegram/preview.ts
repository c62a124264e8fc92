/**
 * How `herald preview` shows Telegram calls: one bubble per sendMessage or
 * sendPhoto, read back from the exact calls Herald makes.
 */
import { escapeHtml } from "../shared/html.ts";

/** Telegram HTML is already a safe subset (Herald emits only Telegram's tags, text escaped). */
export function telegramToHtml(html: string): string {
  return html.replace(/<tg-spoiler>|<\/tg-spoiler>/g, "").replace(/\n/g, "<br>");
}

export function telegramMock(payload: unknown, card: string | null): string {
  const calls = payload as readonly { method: string; params: object }[];
  return calls
    .map((call) => {
      const p = call.params as Record<string, unknown>;
      const keyboard =
        (p.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? [];
      const buttons = keyboard
        .flat()
        .map((b) => `<span class="button">${escapeHtml(b.text)}</span>`)
        .join("");
      const photo = call.method === "sendPhoto" && card ? `<img class="t-photo" src="${escapeHtml(card)}" alt="">` : "";
      const text = String(p.caption ?? p.text ?? "");
      return `<div class="bubble"><div class="method">${escapeHtml(call.method)}</div>${photo}<div class="t-text">${telegramToHtml(text)}</div>${buttons ? `<div class="t-buttons">${buttons}</div>` : ""}</div>`;
    })
    .join("");
}

export const TELEGRAM_PREVIEW_CSS = `.telegram{background:#8fb3a0;border-radius:8px;padding:8px}.telegram h2{color:#234}
.bubble{background:#fff;border-radius:12px;padding:8px 10px;margin:6px 0;max-width:440px;overflow-wrap:anywhere}
.t-photo{width:100%;border-radius:8px}.t-buttons{margin-top:6px}.method{font-size:10px;color:#999}
`;

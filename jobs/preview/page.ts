import { discordToHtml, escapeHtml, slackToHtml, telegramToHtml } from "./markup.ts";

export interface PreviewInput {
  title: string;
  discord: DiscordBody;
  slack: { text: string; blocks: SlackBlock[] };
  telegram: readonly { method: string; params: object }[];
  /** Relative path of card.png beside the page, or null without a timeline. */
  card: string | null;
  /** @font-face rules for the bundled fonts, so Hangul shows without system fonts. */
  fontCss: string;
}

interface DiscordBody {
  content?: string;
  embeds?: {
    title?: string;
    url?: string;
    description?: string;
    color?: number;
    timestamp?: string;
    footer?: { text: string };
    image?: { url: string };
    fields?: { name: string; value: string; inline?: boolean }[];
  }[];
}
// biome-ignore lint/suspicious/noExplicitAny: Block Kit blocks are read loosely for display only.
type SlackBlock = any;

/**
 * The preview page: the three platform mock-ups side by side, with the card,
 * built from the exact payloads Herald sends. Self-contained and offline: a
 * CSP forbids every network load except the card beside it.
 */
export function renderPreviewPage(input: PreviewInput): string {
  const card = input.card ? `<figure class="card"><img src="${escapeHtml(input.card)}" alt="timeline card"></figure>` : "";
  return `<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; font-src file:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Herald preview — ${escapeHtml(input.title)}</title>
<style>${input.fontCss}
${STYLE}</style></head>
<body><header><h1>Herald preview</h1><p>${escapeHtml(input.title)}</p></header>
<main>
<section class="platform discord"><h2>Discord</h2>${discordMock(input.discord, input.card)}</section>
<section class="platform slack"><h2>Slack</h2>${slackMock(input.slack, input.card)}</section>
<section class="platform telegram"><h2>Telegram</h2>${telegramMock(input.telegram, input.card)}</section>
</main>
${card ? `<section class="card-full"><h2>Timeline card</h2>${card}</section>` : ""}
</body></html>
`;
}

function discordMock(body: DiscordBody, card: string | null): string {
  const embeds = (body.embeds ?? [])
    .map((e) => {
      const colour = `#${(e.color ?? 0x5865f2).toString(16).padStart(6, "0")}`;
      const title = e.title ? `<div class="d-title">${e.url ? `<a href="${escapeHtml(e.url)}">${discordToHtml(e.title)}</a>` : discordToHtml(e.title)}</div>` : "";
      const fields = (e.fields ?? [])
        .map((f) => `<div class="d-field${f.inline ? " inline" : ""}"><b>${escapeHtml(f.name)}</b><div>${discordToHtml(f.value)}</div></div>`)
        .join("");
      const image = e.image?.url.startsWith("attachment://") && card ? `<img class="d-image" src="${escapeHtml(card)}" alt="">` : e.image ? `<div class="remote">image: ${escapeHtml(e.image.url)}</div>` : "";
      // Discord shows the timestamp in the reader's own time zone; the page shows it in the viewer's.
      const when = e.timestamp ? new Date(e.timestamp).toLocaleString() : null;
      const footer = [e.footer?.text, when].filter(Boolean).map((t) => escapeHtml(String(t))).join(" • ");
      return `<div class="d-embed" style="border-left-color:${colour}">${title}<div class="d-desc">${discordToHtml(e.description ?? "")}</div><div class="d-fields">${fields}</div>${image}<div class="d-footer">${footer}</div></div>`;
    })
    .join("");
  return `<div class="msg"><div class="author">Herald <span class="bot">APP</span></div>${body.content ? `<div>${discordToHtml(body.content)}</div>` : ""}${embeds}</div>`;
}

function slackMock(message: { text: string; blocks: SlackBlock[] }, card: string | null): string {
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

function telegramMock(calls: PreviewInput["telegram"], card: string | null): string {
  return calls
    .map((call) => {
      const p = call.params as Record<string, unknown>;
      const keyboard = (p.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? [];
      const buttons = keyboard.flat().map((b) => `<span class="button">${escapeHtml(b.text)}</span>`).join("");
      const photo = call.method === "sendPhoto" && card ? `<img class="t-photo" src="${escapeHtml(card)}" alt="">` : "";
      const text = String(p.caption ?? p.text ?? "");
      return `<div class="bubble"><div class="method">${escapeHtml(call.method)}</div>${photo}<div class="t-text">${telegramToHtml(text)}</div>${buttons ? `<div class="t-buttons">${buttons}</div>` : ""}</div>`;
    })
    .join("");
}

const STYLE = `
body{margin:0;font:14px/1.45 "Noto Sans KR","Noto Sans SC Variable",system-ui,sans-serif;background:#eef0f3;color:#1d1f23}
header{padding:16px 24px;background:#20232a;color:#fff}header h1{margin:0;font-size:18px}header p{margin:4px 0 0;opacity:.8}
main{display:grid;grid-template-columns:repeat(3,minmax(320px,1fr));gap:16px;padding:16px 24px;align-items:start}
.platform h2{margin:0 0 8px;font-size:13px;text-transform:uppercase;letter-spacing:.08em;color:#666}
.msg{border-radius:8px;padding:12px;overflow-wrap:anywhere}
.author{font-weight:700;margin-bottom:6px}.bot{font-size:10px;background:#5865f2;color:#fff;border-radius:3px;padding:1px 4px;vertical-align:middle}
.discord .msg{background:#313338;color:#dbdee1}.discord a{color:#00a8fc}
.d-embed{background:#2b2d31;border-left:4px solid;border-radius:4px;padding:10px 12px;margin-top:4px}
.d-title{font-weight:700;margin-bottom:6px}.d-desc{font-size:13px}.d-image{width:100%;border-radius:4px;margin-top:8px}
.d-fields{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}.d-field{flex:1 1 100%}.d-field.inline{flex:1 1 30%}
.d-footer{font-size:11px;opacity:.7;margin-top:8px}
.slack .msg{background:#fff;border:1px solid #ddd}.s-header{font-size:17px;font-weight:800;margin-bottom:6px}
.s-section{margin:6px 0}.s-context{font-size:12px;color:#616061}.s-image{width:100%;border-radius:6px;margin:6px 0}
.button{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:3px 10px;margin:4px 4px 0 0;font-weight:600}
.telegram{background:#8fb3a0;border-radius:8px;padding:8px}.telegram h2{color:#234}
.bubble{background:#fff;border-radius:12px;padding:8px 10px;margin:6px 0;max-width:440px;overflow-wrap:anywhere}
.t-photo{width:100%;border-radius:8px}.t-buttons{margin-top:6px}.method{font-size:10px;color:#999}
.remote{font-size:11px;opacity:.6;margin-top:6px}
.card-full{padding:0 24px 24px}.card-full img{max-width:100%;border:1px solid #ccc}
code{background:rgba(127,127,127,.2);border-radius:3px;padding:0 3px}
`;

/**
 * How `herald preview` shows a Discord payload: the message with its embeds,
 * read back from the exact body Herald sends.
 */
import { escapeHtml, htmlLink } from "../shared/html.ts";

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

/** Discord markdown (as Herald writes it) → HTML. Backslash escapes are honoured. */
export function discordToHtml(markdown: string): string {
  const escapes: string[] = [];
  let s = markdown.replace(/\\([\\*_~`|>#\-[\]()<@.!:])/g, (_, ch: string) => `\u0000${escapes.push(ch) - 1}\u0000`);
  s = escapeHtml(s)
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, text: string, url: string) => htmlLink(url.replace(/&amp;/g, "&"), text))
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>")
    .replace(/\*([^*]+)\*/g, "<i>$1</i>")
    .replace(/~~([^~]+)~~/g, "<s>$1</s>")
    .replace(/\n/g, "<br>");
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => escapeHtml(escapes[Number(i)] ?? ""));
}

export function discordMock(payload: unknown, card: string | null): string {
  const body = payload as DiscordBody;
  const embeds = (body.embeds ?? [])
    .map((e) => {
      const colour = `#${(e.color ?? 0x5865f2).toString(16).padStart(6, "0")}`;
      const title = e.title
        ? `<div class="d-title">${e.url ? `<a href="${escapeHtml(e.url)}">${discordToHtml(e.title)}</a>` : discordToHtml(e.title)}</div>`
        : "";
      const fields = (e.fields ?? [])
        .map(
          (f) =>
            `<div class="d-field${f.inline ? " inline" : ""}"><b>${escapeHtml(f.name)}</b><div>${discordToHtml(f.value)}</div></div>`,
        )
        .join("");
      const image =
        e.image?.url.startsWith("attachment://") && card
          ? `<img class="d-image" src="${escapeHtml(card)}" alt="">`
          : e.image
            ? `<div class="remote">image: ${escapeHtml(e.image.url)}</div>`
            : "";
      // Discord shows the timestamp in the reader's own time zone; the page shows it in the viewer's.
      const when = e.timestamp ? new Date(e.timestamp).toLocaleString() : null;
      const footer = [e.footer?.text, when]
        .filter(Boolean)
        .map((t) => escapeHtml(String(t)))
        .join(" • ");
      return `<div class="d-embed" style="border-left-color:${colour}">${title}<div class="d-desc">${discordToHtml(e.description ?? "")}</div><div class="d-fields">${fields}</div>${image}<div class="d-footer">${footer}</div></div>`;
    })
    .join("");
  return `<div class="msg"><div class="author">Herald <span class="bot">APP</span></div>${body.content ? `<div>${discordToHtml(body.content)}</div>` : ""}${embeds}</div>`;
}

export const DISCORD_PREVIEW_CSS = `.discord .msg{background:#313338;color:#dbdee1}.discord a{color:#00a8fc}
.d-embed{background:#2b2d31;border-left:4px solid;border-radius:4px;padding:10px 12px;margin-top:4px}
.d-title{font-weight:700;margin-bottom:6px}.d-desc{font-size:13px}.d-image{width:100%;border-radius:4px;margin-top:8px}
.d-fields{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}.d-field{flex:1 1 100%}.d-field.inline{flex:1 1 30%}
.d-footer{font-size:11px;opacity:.7;margin-top:8px}
`;

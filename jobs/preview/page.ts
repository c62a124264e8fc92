import type { AnyPlatform } from "../../adapters/registry.ts";
import { escapeHtml } from "../../adapters/shared/html.ts";

export interface PreviewInput {
  title: string;
  /** Each platform with the exact payload Herald would send it, in the order shown. */
  columns: readonly { platform: AnyPlatform; payload: unknown }[];
  /** Relative path of card.png beside the page, or null without a timeline. */
  card: string | null;
  /** @font-face rules for the bundled fonts, so Hangul shows without system fonts. */
  fontCss: string;
}

/**
 * The preview page: the platform mock-ups side by side (each platform draws
 * its own, see its descriptor's `preview`), with the card, built from the
 * exact payloads Herald sends. Self-contained and offline: a CSP forbids
 * every network load except the card beside it.
 */
export function renderPreviewPage(input: PreviewInput): string {
  const card = input.card
    ? `<figure class="card"><img src="${escapeHtml(input.card)}" alt="timeline card"></figure>`
    : "";
  const columns = input.columns.map(
    ({ platform, payload }) =>
      `<section class="platform ${escapeHtml(platform.id)}"><h2>${escapeHtml(platform.title)}</h2>${platform.preview.mock(payload, input.card)}</section>\n`,
  );
  return `<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; font-src file:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Herald preview — ${escapeHtml(input.title)}</title>
<style>${input.fontCss}
${style(input.columns.map((c) => c.platform))}</style></head>
<body><header><h1>Herald preview</h1><p>${escapeHtml(input.title)}</p></header>
<main>
${columns.join("")}</main>
${card ? `<section class="card-full"><h2>Timeline card</h2>${card}</section>` : ""}
</body></html>
`;
}

const style = (shown: readonly AnyPlatform[]) => `
body{margin:0;font:14px/1.45 "Noto Sans KR","Noto Sans SC Variable",system-ui,sans-serif;background:#eef0f3;color:#1d1f23}
header{padding:16px 24px;background:#20232a;color:#fff}header h1{margin:0;font-size:18px}header p{margin:4px 0 0;opacity:.8}
main{display:grid;grid-template-columns:repeat(${shown.length},minmax(320px,1fr));gap:16px;padding:16px 24px;align-items:start}
.platform h2{margin:0 0 8px;font-size:13px;text-transform:uppercase;letter-spacing:.08em;color:#666}
.msg{border-radius:8px;padding:12px;overflow-wrap:anywhere}
.author{font-weight:700;margin-bottom:6px}.bot{font-size:10px;background:#5865f2;color:#fff;border-radius:3px;padding:1px 4px;vertical-align:middle}
${shown.map((p) => p.preview.css).join("")}.remote{font-size:11px;opacity:.6;margin-top:6px}
.card-full{padding:0 24px 24px}.card-full img{max-width:100%;border:1px solid #ccc}
code{background:rgba(127,127,127,.2);border-radius:3px;padding:0 3px}
`;

import { createHash } from "node:crypto";
import Handlebars from "handlebars";
import type { CardData } from "./data.ts";
import { CHINESE_FAMILY, FONT_ORIGIN, KOREAN_FAMILY } from "./fonts.ts";

/** CSS width of the card; screenshots are taken at device scale factor 2. */
export const CARD_WIDTH = 1200;
/**
 * Rows a card draws at most. Chat clients show an image inside a box a few
 * hundred pixels tall (Discord embeds, Slack image blocks, Telegram photos):
 * past eight rows the card shrinks until its text is no longer readable
 * there, and every extra row costs render time.
 */
export const MAX_ROWS = 8;
/**
 * Of a longer timeline, the card keeps how it began and the latest rows: in
 * breaking news the newest update is the one readers look for. The rows in
 * between collapse into one "N more" line.
 */
const HEAD_ROWS = 3;

/**
 * Longest text kept per field before the CSS line clamps take over. Clamps
 * decide what shows; these only stop a hostile megabyte of text from being
 * laid out (and hashed) for nothing.
 */
const MAX_CHARS = { title: 300, source: 80, date: 80, label: 40, time: 80, event: 500 } as const;

const STYLES = `
*, *::before, *::after { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #ffffff; }
body { -webkit-font-smoothing: antialiased; text-rendering: optimizeLegibility; }
.card { width: ${CARD_WIDTH}px; background: #ffffff; color: #111827; overflow: hidden;
  font-family: '${KOREAN_FAMILY}', '${CHINESE_FAMILY}', sans-serif; font-weight: 400;
  border-top: 10px solid #dc2626; }
.card.zh { font-family: '${CHINESE_FAMILY}', '${KOREAN_FAMILY}', sans-serif; }
/* Clamps sit on inner spans: on a padded box the clipped lines would show through the padding. */
.clamp { display: -webkit-box; -webkit-box-orient: vertical; overflow: hidden; overflow-wrap: anywhere; }
/* Korean wraps between words (spaces), not inside them; CJK without spaces keeps the default breaking. */
.card:lang(ko) .clamp { word-break: keep-all; }
.band { display: flex; justify-content: space-between; align-items: center; gap: 32px;
  background: #111827; color: #f9fafb; padding: 20px 56px; font-size: 24px; line-height: 1.4; min-height: 74px; }
.source { font-weight: 700; letter-spacing: 0.02em; -webkit-line-clamp: 1; }
.date { color: #d1d5db; white-space: nowrap; flex-shrink: 0; }
.title { margin: 0; padding: 36px 56px 28px; font-size: 46px; line-height: 1.32; font-weight: 700;
  letter-spacing: -0.01em; }
.title .clamp { -webkit-line-clamp: 3; }
.grid { display: grid; grid-template-columns: 220px 56px 1fr; }
.labels { margin: 0 56px; padding: 14px 0; border-top: 2px solid #e5e7eb; border-bottom: 2px solid #e5e7eb;
  color: #6b7280; font-size: 21px; font-weight: 700; letter-spacing: 0.06em; line-height: 1.4; }
.labels span { -webkit-line-clamp: 1; }
.labels span:last-child { grid-column: 3; padding-left: 8px; }
.timeline { list-style: none; margin: 0; padding: 28px 56px 12px; }
.row { position: relative; }
.time { padding: 0 12px 24px 0; color: #b91c1c; font-size: 27px; font-weight: 700; line-height: 1.45; }
.time .clamp { -webkit-line-clamp: 2; }
.rail { position: relative; }
.rail::before { content: ""; position: absolute; left: 26px; top: 0; bottom: 0; width: 4px; background: #e5e7eb; }
.rail::after { content: ""; position: absolute; left: 18px; top: 11px; width: 20px; height: 20px;
  border-radius: 50%; background: #dc2626; box-shadow: 0 0 0 5px #ffffff; }
.row:first-child .rail::before { top: 21px; }
.row:last-child .rail::before { bottom: auto; height: 21px; }
.row:only-child .rail::before { display: none; }
.event { margin: 0; padding: 0 0 24px 8px; color: #1f2937; font-size: 29px; line-height: 1.45; }
.event .clamp { -webkit-line-clamp: 3; }
.gap .rail::after { display: none; }
.gap .rail::before { background: none; width: 0; left: 26px; border-left: 4px dotted #d1d5db; }
.gap .event { color: #6b7280; font-size: 24px; font-weight: 700; }
.end { height: 22px; }
`;

/*
 * Every value from the article goes through {{ }} (HTML-escaped). Only our own
 * CSS and the card markup this module produced are passed as SafeStrings. The
 * CSP is a second wall: even markup that slipped through could load nothing
 * but the bundled fonts, and run no script.
 */
const SHELL_TEMPLATE = `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; font-src ${FONT_ORIGIN} data:; img-src data:">
<style>{{fontCss}}</style>
<style>{{styles}}</style>
</head>
<body>{{card}}</body>
</html>
`;

const CARD_TEMPLATE = `<main id="card" class="card {{scriptClass}}" lang="{{language}}">
<header class="band"><span class="source clamp">{{source}}</span><span class="date">{{date}}</span></header>
<h1 class="title"><span class="clamp">{{title}}</span></h1>
{{#if labels}}<div class="labels grid"><span class="clamp">{{labels.time}}</span><span class="clamp">{{labels.event}}</span></div>{{/if}}
<ol class="timeline">
{{#each rows}}{{#if gap}}<li class="row grid gap"><div class="time"></div><span class="rail"></span><p class="event">{{gap}}</p></li>
{{else}}<li class="row grid"><div class="time"><span class="clamp">{{time}}</span></div><span class="rail"></span><p class="event"><span class="clamp">{{event}}</span></p></li>
{{/if}}{{/each}}</ol>
<div class="end"></div>
</main>`;

const handlebars = Handlebars.create();
const compileOptions = { knownHelpersOnly: true } as const;
const shellTemplate = handlebars.compile(SHELL_TEMPLATE, compileOptions);
const cardTemplate = handlebars.compile(CARD_TEMPLATE, compileOptions);

/**
 * Changes whenever the markup or styles change, so cached PNGs from an older
 * template are never served. The leading number is bumped by hand for changes
 * elsewhere that alter the picture (fonts, screenshot settings).
 */
export const TEMPLATE_VERSION = `1-${createHash("sha256")
  .update(SHELL_TEMPLATE)
  .update(CARD_TEMPLATE)
  .update(STYLES)
  .update(JSON.stringify({ MAX_CHARS, MAX_ROWS, HEAD_ROWS }))
  .digest("hex")
  .slice(0, 12)}`;

/**
 * The card as one standalone HTML document (what node-html-to-image and a
 * browser preview take); the element to screenshot is `#card`. `fontCss` is
 * the trusted @font-face CSS from `bundledFonts().css`.
 */
export function renderCardHtml(data: CardData, fontCss: string): string {
  return renderCardShell(fontCss, renderCardMarkup(data));
}

/**
 * The document around the card: fonts, styles and CSP, with `cardMarkup`
 * (from {@link renderCardMarkup}) as its body. The warm renderer loads it once
 * with an empty body and then swaps only the card in, so the 280 KB of
 * @font-face rules are parsed once per browser instead of once per card.
 */
export function renderCardShell(fontCss: string, cardMarkup = ""): string {
  return shellTemplate({
    fontCss: new Handlebars.SafeString(fontCss),
    styles: new Handlebars.SafeString(STYLES),
    card: new Handlebars.SafeString(cardMarkup),
  });
}

/** The `#card` element's markup, every value HTML-escaped. */
export function renderCardMarkup(data: CardData): string {
  return cardTemplate(cardView(data));
}

function cardView(data: CardData) {
  const language = primaryLanguage(data.language);
  const row = (r: CardData["rows"][number]) => ({
    time: cut(r.time, MAX_CHARS.time),
    event: cut(r.event, MAX_CHARS.event),
  });
  return {
    language,
    scriptClass: language === "zh" ? "zh" : "",
    title: cut(data.title, MAX_CHARS.title),
    source: data.source === null ? "" : cut(data.source, MAX_CHARS.source),
    date: data.date === null ? "" : cut(data.date, MAX_CHARS.date),
    labels: data.labels && { time: cut(data.labels[0], MAX_CHARS.label), event: cut(data.labels[1], MAX_CHARS.label) },
    rows: visibleRows(data.rows, language).map((item) => ("gap" in item ? item : row(item))),
  };
}

/** The rows a card draws: all of them, or the first HEAD_ROWS, a line counting the rest, and the latest rows. */
function visibleRows(rows: CardData["rows"], language: string): (CardData["rows"][number] | { gap: string })[] {
  if (rows.length <= MAX_ROWS) return rows;
  const gap = { gap: moreLine(rows.length - MAX_ROWS, language) };
  return [...rows.slice(0, HEAD_ROWS), gap, ...rows.slice(HEAD_ROWS - MAX_ROWS)];
}

function moreLine(hidden: number, language: string): string {
  switch (language) {
    case "ko":
      return `⋯ 중간 ${hidden}건 생략`;
    case "ja":
      return `⋯ ほか ${hidden} 件`;
    case "zh":
      return `⋯ 另有 ${hidden} 条`;
    default:
      return `⋯ ${hidden} more`;
  }
}

/** "ko-KR" → "ko"; anything that is not a plain subtag becomes "und" so it can't break the lang attribute's meaning. */
function primaryLanguage(tag: string): string {
  const primary = tag.toLowerCase().split(/[-_]/)[0] ?? "";
  return /^[a-z]{2,8}$/.test(primary) ? primary : "und";
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/**
 * Timeline card rendering: Herald's warm CardRenderer against the obvious
 * alternative, node-html-to-image called once per card as its README shows
 * (a fresh browser per call, networkidle0), on the same cards and the same
 * HTML: the cards of the example and corpus posts, then 20 invented, longer
 * timelines as a heavier case. Also: the renderer with its cache disabled vs memory and disk cache hits.
 * Run alone with `node --import tsx bench/card.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodeHtmlToImage from "node-html-to-image";
import { parsePost } from "../src/article/index.ts";
import { CHROMIUM_ARGS } from "../src/card/browser.ts";
import { bundledFonts, type CardData, CardRenderer, cardDataFromArticle, renderCardHtml } from "../src/card/index.ts";
import { heading, isMain, report, type Stats, sample, stats } from "./lib.ts";
import { loadPosts } from "./posts.ts";

const CARDS = 20;
const WARM_RUNS = 40;
/** A fresh browser per card takes seconds: a few runs are enough to see the gap. */
const BASELINE_RUNS = 5;
const CACHE_RUNS = 200;

const EXECUTABLE_PATH = process.env.HERALD_CHROMIUM_PATH ?? "/usr/bin/chromium";
/** The same network-less flags Herald uses, so the baseline pays for nothing extra. */
const BASELINE_ARGS = CHROMIUM_ARGS;

const KO_EVENTS = [
  "결제 서비스 접속 오류가 처음 보고됨",
  "운영사가 데이터센터 전원 장애를 원인으로 확인",
  "일부 지역에서 모바일 앱 로그인이 지연되는 현상이 이어짐",
  "임시 우회 경로를 열어 트래픽 절반을 복구",
  "고객 공지를 통해 보상 방안을 검토 중이라고 밝힘",
  "주요 은행 앱 이체 기능이 정상화",
  "원인 분석 보고서를 이번 주 안에 공개하겠다고 발표",
];
const EN_EVENTS = [
  "First reports of failed card payments at checkout",
  "Operator confirms a power fault in one data centre",
  "Mobile app logins time out for users in two regions",
  "Traffic is moved to a standby site; half of requests succeed",
  "Status page promises an update within the hour",
  "Transfers are working again for most customers",
  "A full incident review is promised for Friday",
];

/** 20 invented cards: alternating Korean and English, 3 to 12 rows. */
function benchCardsData(): CardData[] {
  return Array.from({ length: CARDS }, (_, i) => {
    const korean = i % 2 === 0;
    const events = korean ? KO_EVENTS : EN_EVENTS;
    const rowCount = 3 + (i % 10);
    return {
      title: korean
        ? `전국 결제망 장애 ${i + 1}시간째, 이용자 불편 계속`
        : `Payments outage enters hour ${i + 1} as banks scramble`,
      source: korean ? "news.example.kr" : "wire.example.com",
      date: korean ? `2026년 10월 ${1 + i}일 오후 4:40` : `October ${1 + i}, 2026 at 7:40 AM UTC`,
      labels: korean ? ["시점", "내용"] : ["Time", "Event"],
      rows: Array.from({ length: rowCount }, (_, r) => ({
        time: korean
          ? `오후 ${1 + (r % 11)}시 ${(r * 7) % 60}분`
          : `${1 + (r % 11)}:${String((r * 7) % 60).padStart(2, "0")} PM`,
        event: events[(i + r) % events.length] ?? "",
      })),
      language: korean ? "ko" : "en",
    };
  });
}

/** Cards of every example and corpus post with a timeline: what Herald really draws (mostly 2 to 8 rows). */
function articleCardsData(): CardData[] {
  return loadPosts().flatMap((post) => {
    try {
      const data = cardDataFromArticle(parsePost(post.raw, post.name));
      return data ? [data] : [];
    } catch {
      return [];
    }
  });
}

/** node-html-to-image as its README shows it: one call per card, a fresh browser each time. */
function baselineRender(card: CardData, fontCss: string): Promise<unknown> {
  return nodeHtmlToImage({
    html: renderCardHtml(card, fontCss),
    selector: "#card",
    puppeteerArgs: {
      executablePath: EXECUTABLE_PATH,
      args: BASELINE_ARGS,
      defaultViewport: { width: 1200, height: 800, deviceScaleFactor: 2 },
    },
  });
}

const TARGET_NOTE =
  "target ≥ 30x faster, median ≤ 100 ms; same HTML; the baseline cannot fetch the bundled fonts (no interception), so it does less work";

export async function benchCards(): Promise<void> {
  const articleCards = articleCardsData();
  const cards = benchCardsData();
  const sets = [
    { name: "cards of the example and corpus posts", cards: articleCards },
    { name: `${CARDS} invented cards of 3 to 12 rows`, cards },
  ].filter((set) => set.cards.length > 0);
  heading("card: warm renderer vs node-html-to-image per card", {
    "article cards": articleCards.length,
    "invented cards": CARDS,
    "warm runs": WARM_RUNS,
    "baseline runs": BASELINE_RUNS,
    "cache runs": CACHE_RUNS,
  });
  const fontCss = bundledFonts().css;
  const cacheDir = mkdtempSync(join(tmpdir(), "herald-bench-cards-"));
  const noCache = await CardRenderer.launch({ executablePath: EXECUTABLE_PATH, memoryCacheSize: 0 });
  try {
    // The cache lines compare against the first set's warm render.
    let warm: Stats | null = null;
    for (const set of sets) {
      const pick = (i: number) => set.cards[i % set.cards.length] as CardData;
      // Warm means every font subset these cards use is already loaded: one unmeasured pass over the set.
      // (A card with glyphs no earlier card used pays ~50–250 ms once per browser to load their subsets.)
      const subject = await sample(WARM_RUNS, (i) => noCache.render(pick(i)), set.cards.length);
      const baseline = await sample(BASELINE_RUNS, (i) => baselineRender(pick(i), fontCss));
      report(`card render, ${set.name}: warm renderer vs node-html-to-image per card`, subject, baseline, TARGET_NOTE);
      warm ??= subject;
      if (set.cards === cards) {
        const batches: number[] = [];
        for (let b = 0; b < 3; b++) {
          const start = performance.now();
          await Promise.all(cards.map((card) => noCache.render(card)));
          batches.push((performance.now() - start) / CARDS);
        }
        report(`card render throughput, ${set.name} at once on 2 browsers (per card)`, stats(batches), baseline);
      }
    }
    if (!warm) throw new Error("card: no cards to render");

    const cached = await CardRenderer.launch({ executablePath: EXECUTABLE_PATH, cacheDir, browsers: 1 });
    try {
      for (const card of cards) await cached.render(card);
      const memoryHits = await sample(CACHE_RUNS, (i) => cached.render(cards[i % CARDS] as CardData));
      report("card render, memory cache hit vs no cache", memoryHits, warm);
    } finally {
      await cached.close();
    }
    const diskOnly = await CardRenderer.launch({
      executablePath: EXECUTABLE_PATH,
      cacheDir,
      browsers: 1,
      memoryCacheSize: 0,
    });
    try {
      const diskHits = await sample(CACHE_RUNS, (i) => diskOnly.render(cards[i % CARDS] as CardData));
      report("card render, disk cache hit (new process's view) vs no cache", diskHits, warm);
    } finally {
      await diskOnly.close();
    }
  } finally {
    await noCache.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchCards();

import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Article } from "../src/article/types.ts";
import {
  bundledFonts,
  type CardData,
  CardRenderError,
  CardRenderer,
  cardDataFromArticle,
  cardKey,
  MAX_ROWS,
  renderCardHtml,
} from "../src/card/index.ts";
import { waitFor } from "./helpers/wait.ts";

/** The reference article's timeline (tests/fixtures would only hold the same three rows). */
function seedArticle(overrides: Partial<Article> = {}): Article {
  return {
    id: "seed-outlook-outage",
    title: "MS 아웃룩 업무 메일 중단 직장인의 아우성!",
    url: "https://newsdao.kr/news/outlook-outage",
    source: "newsdao.kr",
    date: "2024-07-11T05:00:00.000Z",
    categories: ["News"],
    tags: [],
    excerpt: "아시아·태평양 지역에서 MS 아웃룩 접속장애 발생",
    image: null,
    language: "ko",
    body: [],
    tables: [],
    timeline: {
      labels: ["시점", "내용"],
      rows: [
        { time: "11:00 AM", event: "사용자가 여러 MS365 서비스에 액세스할 수 없다는 보고를 조사 중" },
        {
          time: "11:47 AM",
          event: "애저(Azure) 네트워킹 인프라 내의 최근 변경으로 인해\n        영향이 발생한 것으로 확인",
        },
        { time: "1:00 PM", event: "애저 네트워킹 문제가 해결되었다는 공지" },
      ],
    },
    text: "",
    ...overrides,
  };
}

function cardWithRows(count: number, title = "Storm closes the harbour"): CardData {
  return {
    title,
    source: "example.org",
    date: "July 11, 2024 at 5:00 AM UTC",
    labels: ["Time", "Event"],
    rows: Array.from({ length: count }, (_, i) => ({
      time: `${10 + i}:00`,
      event: `Update number ${i + 1} from the harbour master`,
    })),
    language: "en",
  };
}

function decode(png: Buffer): PNG {
  return PNG.sync.read(png);
}

/** Pixels that are not (near) white: text, dots, the header band. */
function inkedPixels(image: PNG): number {
  let inked = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if ((image.data[i] ?? 255) < 200 || (image.data[i + 1] ?? 255) < 200 || (image.data[i + 2] ?? 255) < 200) inked++;
  }
  return inked;
}

/** Pixel rows from `fromY` down: where the timeline rows are drawn (the header and title are identical in compared cards). */
function pixelsBelow(image: PNG, fromY: number): Buffer {
  return image.data.subarray(fromY * image.width * 4);
}

/** Processes (not zombies) whose process group is one of `groups`: what a leaked Chromium would leave behind. */
function livingProcessesIn(groups: readonly number[]): number[] {
  const wanted = new Set(groups);
  const living: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may contain spaces, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    const pgrp = Number(fields[2]);
    if (state !== "Z" && (wanted.has(pgrp) || wanted.has(Number(entry)))) living.push(Number(entry));
  }
  return living;
}

describe("cardDataFromArticle", () => {
  it("returns null when the article has no timeline", () => {
    expect(cardDataFromArticle(seedArticle({ timeline: null }))).toBeNull();
  });

  it("returns null when the timeline has no rows worth drawing", () => {
    expect(
      cardDataFromArticle(seedArticle({ timeline: { labels: ["시점", "내용"], rows: [{ time: " ", event: "" }] } })),
    ).toBeNull();
  });

  it("builds the seed card with a Korean date in Korea time and tidied cells", () => {
    const data = cardDataFromArticle(seedArticle());
    expect(data).toEqual({
      title: "MS 아웃룩 업무 메일 중단 직장인의 아우성!",
      source: "newsdao.kr",
      date: "2024년 7월 11일 오후 2:00",
      labels: ["시점", "내용"],
      rows: [
        { time: "11:00 AM", event: "사용자가 여러 MS365 서비스에 액세스할 수 없다는 보고를 조사 중" },
        { time: "11:47 AM", event: "애저(Azure) 네트워킹 인프라 내의 최근 변경으로 인해 영향이 발생한 것으로 확인" },
        { time: "1:00 PM", event: "애저 네트워킹 문제가 해결되었다는 공지" },
      ],
      language: "ko",
    });
  });

  it("shows other languages' dates in UTC, says so, and survives a malformed language tag", () => {
    const english = cardDataFromArticle(seedArticle({ language: "en", date: "2024-07-11T23:30:00.000Z" }));
    expect(english?.date).toMatch(/July 11, 2024.*11:30.*PM.*UTC/);
    const odd = cardDataFromArticle(seedArticle({ language: "not a tag!", date: "2024-07-11T23:30:00.000Z" }));
    expect(odd?.date).toMatch(/UTC/);
    expect(cardDataFromArticle(seedArticle({ date: "yesterday-ish" }))?.date).toBeNull();
  });
});

describe("cardKey", () => {
  it("is the same for equal data whatever the key order, and differs when anything visible differs", () => {
    const data = cardWithRows(3);
    const reordered: CardData = {
      language: data.language,
      rows: data.rows.map((row) => ({ event: row.event, time: row.time })),
      labels: data.labels,
      date: data.date,
      source: data.source,
      title: data.title,
    };
    expect(cardKey(reordered)).toBe(cardKey(data));
    expect(cardKey(data)).toMatch(/^[0-9a-f]{64}$/);
    expect(cardKey({ ...data, title: `${data.title}!` })).not.toBe(cardKey(data));
    expect(cardKey({ ...data, rows: [...data.rows.slice(0, 2), { time: "12:00", event: "changed" }] })).not.toBe(
      cardKey(data),
    );
  });
});

describe("renderCardHtml", () => {
  it("escapes markup and handlebars syntax from the article instead of interpreting it", () => {
    const html = renderCardHtml(
      {
        ...cardWithRows(1),
        title: "{{constructor.constructor('return 1')()}} {{> evil}}",
        rows: [{ time: "<b>noon</b>", event: `<img src="http://127.0.0.1:9/x"><script>alert(1)</script>` }],
      },
      "",
    );
    expect(html).toContain("{{constructor.constructor(&#x27;return 1&#x27;)()}} {{&gt; evil}}");
    expect(html).toContain(
      "&lt;img src&#x3D;&quot;http://127.0.0.1:9/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
    );
    expect(html).toContain("&lt;b&gt;noon&lt;/b&gt;");
    expect(html).not.toMatch(/<img|<script|<b>/);
  });

  it("keeps how a long timeline began and its latest rows, with the count left out between them", () => {
    const html = renderCardHtml(cardWithRows(12), "");
    const drawn = [...html.matchAll(/Update number (\d+) /g)].map((m) => Number(m[1]));
    expect(drawn).toEqual([1, 2, 3, 8, 9, 10, 11, 12]);
    expect(drawn).toHaveLength(MAX_ROWS);
    expect(html).toContain("⋯ 4 more");
    expect(renderCardHtml({ ...cardWithRows(12), language: "ko-KR" }, "")).toContain("⋯ 중간 4건 생략");
    // A timeline that fits is drawn whole, with no gap line.
    const whole = renderCardHtml(cardWithRows(MAX_ROWS), "");
    expect([...whole.matchAll(/Update number (\d+) /g)]).toHaveLength(MAX_ROWS);
    expect(whole).not.toContain("⋯");
  });
});

describe("bundledFonts", () => {
  it("serves woff2 files named in its CSS and nothing else", () => {
    const fonts = bundledFonts();
    const urls = [...fonts.css.matchAll(/url\((https:[^)]+)\)/g)].map((m) => m[1] ?? "");
    expect(urls.length).toBeGreaterThan(200);
    const first = fonts.file(urls[0] ?? "");
    expect(first?.subarray(0, 4).toString("latin1")).toBe("wOF2");
    expect(fonts.file(`${new URL(urls[0] ?? "").origin}/kr/../../package.json`)).toBeNull();
    expect(fonts.file("https://example.com/font.woff2")).toBeNull();
  });
});

describe("CardRenderer", () => {
  let renderer: CardRenderer;

  beforeAll(async () => {
    renderer = await CardRenderer.launch({ browsers: 2 });
  });

  afterAll(async () => {
    await renderer.close();
  });

  it("renders the seed timeline as a 2400 px wide, non-blank PNG", async () => {
    const data = cardDataFromArticle(seedArticle());
    if (!data) throw new Error("seed article should have a card");
    const card = await renderer.render(data);
    expect(card.png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(card.cached).toBe(false);
    expect(card.key).toBe(cardKey(data));
    const image = decode(card.png);
    expect([image.width, image.height]).toEqual([card.width, card.height]);
    expect(card.width).toBe(2400);
    expect(card.height).toBeGreaterThan(600);
    // Text, dots and the dark header band: a blank or failed page would be almost all white.
    expect(inkedPixels(image) / (image.width * image.height)).toBeGreaterThan(0.08);
  });

  it("grows with the rows, then caps them at MAX_ROWS (8) with one 'N more' line", async () => {
    expect(MAX_ROWS).toBe(8);
    const [three, seven, twenty, thirty] = await Promise.all(
      [3, 7, 20, 30].map((n) => renderer.render(cardWithRows(n))),
    );
    if (!three || !seven || !twenty || !thirty) throw new Error("missing render");
    expect(seven.height).toBeGreaterThan(three.height);
    expect(twenty.height).toBeGreaterThan(seven.height);
    // 20 and 30 rows both draw 8 rows plus one "N more" line.
    expect(thirty.height).toBe(twenty.height);
    expect(thirty.png.equals(twenty.png)).toBe(false);
  });

  it("keeps a card with huge title and event text at a sane size", async () => {
    const long = "A very long sentence that keeps going and going without any end in sight ".repeat(40);
    const card = await renderer.render({
      ...cardWithRows(12),
      title: long,
      rows: cardWithRows(12).rows.map((row) => ({ ...row, event: long })),
    });
    // 8 rows of at most three clamped lines each, at scale 2.
    expect(card.height).toBeLessThan(2 * 2600);
    expect(card.width).toBe(2400);
  });

  it("draws Hangul, kana and Chinese as real glyphs, not identical tofu boxes", async () => {
    const pairs: Array<[string, string, string]> = [
      ["ko", "가나다라마바사아자차", "카타파하거너더러머버"],
      ["ja", "ひらがなとカタカナです", "これはテストのぶんしょう"],
      ["zh", "北京时间这个问题们会说", "对为发东车长门马鸟鱼"],
    ];
    for (const [language, a, b] of pairs) {
      const base = { ...cardWithRows(1), language, title: "Same title" };
      const [first, second] = await Promise.all([
        renderer.render({ ...base, rows: [{ time: "10:00", event: a }] }),
        renderer.render({ ...base, rows: [{ time: "10:00", event: b }] }),
      ]);
      if (!first || !second) throw new Error("missing render");
      const imageA = decode(first.png);
      const imageB = decode(second.png);
      expect(imageA.height).toBe(imageB.height);
      // Missing glyphs all draw the same box, so two different strings would give identical pixels.
      const rowsFrom = Math.floor(imageA.height / 2);
      expect(
        pixelsBelow(imageA, rowsFrom).equals(pixelsBelow(imageB, rowsFrom)),
        `${language} text rendered as tofu`,
      ).toBe(false);
      expect(inkedPixels(imageA)).toBeGreaterThan(0);
    }
  });

  it("sends no request anywhere for hostile article text, and still renders it as text", async () => {
    const hits: string[] = [];
    const server: Server = createServer((request, response) => {
      hits.push(request.url ?? "");
      response.end("gotcha");
    });
    let connections = 0;
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    try {
      const card = await renderer.render({
        title: `{{#each this}}{{this}}{{/each}} {{> partial}} <svg onload="fetch('${base}/title')">`,
        source: `<link rel="stylesheet" href="${base}/source.css">`,
        date: `<iframe src="${base}/date"></iframe>`,
        labels: [`<style>@import url(${base}/label.css);</style>`, `<object data="${base}/obj"></object>`],
        rows: [
          { time: "<b>now</b>", event: `<img src="${base}/x">` },
          { time: "later", event: `<script>fetch('${base}/y')</script>` },
          { time: "css", event: `</style><div style="background:url(${base}/z)">x</div>` },
          { time: "font", event: `<style>@font-face{font-family:x;src:url(${base}/f.woff2)}</style>` },
        ],
        language: "en",
      });
      expect(card.width).toBe(2400);
      expect(inkedPixels(decode(card.png))).toBeGreaterThan(10_000);
      // Both browsers draw a card of their own next: the hostile markup is gone from every page, so
      // whatever it could have fetched it asked for while it was there, before these renders began.
      await Promise.all([
        renderer.render(cardWithRows(1, "After the hostile card A")),
        renderer.render(cardWithRows(1, "After the hostile card B")),
      ]);
      expect(connections).toBe(0);
      expect(hits).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("serves an identical card from the cache with the same bytes", async () => {
    const data = cardWithRows(4, "Cache me once");
    const first = await renderer.render(data);
    const second = await renderer.render(structuredClone(data));
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.png.equals(first.png)).toBe(true);
    const other = await renderer.render({ ...data, title: "Cache me twice" });
    expect(other.key).not.toBe(first.key);
    expect(other.cached).toBe(false);
  });

  it("renders each card once when the same card is asked for concurrently", async () => {
    const data = cardWithRows(2, "Asked for four times at once");
    const cards = await Promise.all([1, 2, 3, 4].map(() => renderer.render(data)));
    expect(cards.filter((card) => !card.cached)).toHaveLength(1);
    for (const card of cards) expect(card.png.equals(cards[0]?.png ?? Buffer.alloc(0))).toBe(true);
  });
});

describe("CardRenderer disk cache", () => {
  it("reuses <key>.png across renderer instances and replaces a corrupt file", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "herald-card-cache-"));
    try {
      const data = cardWithRows(3, "Written by one process, read by another");
      const writer = await CardRenderer.launch({ browsers: 1, cacheDir });
      let first: Awaited<ReturnType<CardRenderer["render"]>>;
      try {
        first = await writer.render(data);
      } finally {
        await writer.close();
      }
      expect(first.cached).toBe(false);
      expect(await readdir(cacheDir)).toEqual([`${first.key}.png`]);
      expect((await readFile(join(cacheDir, `${first.key}.png`))).equals(first.png)).toBe(true);

      const reader = await CardRenderer.launch({ browsers: 1, cacheDir });
      try {
        const again = await reader.render(data);
        expect(again.cached).toBe(true);
        expect(again.png.equals(first.png)).toBe(true);

        const brokenData = cardWithRows(3, "A half-written file from a crash");
        await writeFile(join(cacheDir, `${cardKey(brokenData)}.png`), "not a png");
        const repaired = await reader.render(brokenData);
        expect(repaired.cached).toBe(false);
        expect(decode(await readFile(join(cacheDir, `${repaired.key}.png`))).width).toBe(2400);
      } finally {
        await reader.close();
      }
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});

describe("CardRenderer failures", () => {
  it("rejects a render that times out with CardRenderError, then renders the next card on a relaunched browser", async () => {
    const renderer = await CardRenderer.launch({ browsers: 1, timeoutMs: 1, memoryCacheSize: 0 });
    try {
      const [firstPid] = renderer.launchedPids;
      if (firstPid === undefined) throw new Error("no browser launched");
      const slow = renderer.render(cardWithRows(3, "Too slow for 1 ms"));
      await expect(slow).rejects.toThrow(CardRenderError);
      await expect(slow).rejects.toThrow(/"Too slow for 1 ms".*timed out after 1 ms/);
      await waitFor(() => livingProcessesIn([firstPid]).length === 0, 5000, "the timed-out browser to be killed");

      const next = await renderer.render(cardWithRows(3, "Fine with time to spare"), { timeoutMs: 30_000 });
      expect(next.cached).toBe(false);
      expect(decode(next.png).width).toBe(2400);
      expect(renderer.launchedPids.length).toBe(2);
    } finally {
      await renderer.close();
    }
  });

  it("relaunches a browser that crashed between renders", async () => {
    const renderer = await CardRenderer.launch({ browsers: 1 });
    try {
      const [pid] = renderer.launchedPids;
      if (pid === undefined) throw new Error("no browser launched");
      await renderer.render(cardWithRows(2, "Before the crash"));
      process.kill(-pid, "SIGKILL");
      await waitFor(() => livingProcessesIn([pid]).length === 0, 5000, "Chromium to die");
      const after = await renderer.render(cardWithRows(2, "After the crash"));
      expect(after.cached).toBe(false);
      expect(decode(after.png).width).toBe(2400);
      expect(renderer.launchedPids.length).toBe(2);
    } finally {
      await renderer.close();
    }
  });

  it("kills a browser that was still starting when its render timed out", async () => {
    const renderer = await CardRenderer.launch({ browsers: 1 });
    try {
      const [pid] = renderer.launchedPids;
      if (pid === undefined) throw new Error("no browser launched");
      process.kill(-pid, "SIGKILL");
      await waitFor(() => livingProcessesIn([pid]).length === 0, 5000, "Chromium to die");
      // The dead browser is replaced inside this render, and 1 ms is not enough to start one.
      await expect(renderer.render(cardWithRows(2, "Relaunch too slow"), { timeoutMs: 1 })).rejects.toThrow(
        CardRenderError,
      );
      const after = await renderer.render(cardWithRows(2, "Relaunch in time"));
      expect(decode(after.png).width).toBe(2400);
    } finally {
      await renderer.close();
    }
    // Whether the aborted relaunch got as far as spawning depends on load; either way nothing may survive.
    expect(renderer.launchedPids.length).toBeGreaterThanOrEqual(2);
    expect(livingProcessesIn(renderer.launchedPids)).toEqual([]);
  });

  it("leaves no Chromium process behind after close(), which can be called twice", async () => {
    const renderer = await CardRenderer.launch({ browsers: 2 });
    await renderer.render(cardWithRows(2, "One card before closing"));
    const pids = [...renderer.launchedPids];
    expect(pids).toHaveLength(2);
    expect(livingProcessesIn(pids).length).toBeGreaterThan(2); // browser, zygotes, renderers…
    await renderer.close();
    await renderer.close();
    expect(livingProcessesIn(pids)).toEqual([]);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    await expect(renderer.render(cardWithRows(1))).rejects.toThrow(/renderer is closed/);
  });

  it("fails to launch with a message naming the missing executable", async () => {
    await expect(CardRenderer.launch({ executablePath: "/nonexistent/chromium" })).rejects.toThrow(
      /\/nonexistent\/chromium.*HERALD_CHROMIUM_PATH/,
    );
  });
});

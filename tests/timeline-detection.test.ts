/**
 * Timeline detection on posts shaped like the real ones (tests/fixtures/timelines/):
 * post-mortem lists and stamped sub-headings under a timeline heading, tables
 * as before, and the tables that only look like timelines.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findTimeline, parsePost } from "../src/article/index.ts";
import { fixture } from "./helpers/paths.ts";

const post = (name: string) => parsePost(readFileSync(fixture("timelines", name)), name);
const times = (name: string) => post(name).timeline?.rows.map((r) => r.time);

describe("list timelines under a timeline heading", () => {
  it("reads bold stamps with —, :, – and | separators, across midnight (English)", () => {
    const timeline = post("en-list-bold-stamps.md").timeline;
    expect(timeline?.labels).toBeNull();
    expect(timeline?.rows).toEqual([
      { time: "23:41 UTC", event: "Disk usage alert fires on broker-3" },
      { time: "23:50 UTC", event: "Broker-3 stops accepting writes; backlog grows" },
      { time: "23:58 UTC", event: "On-call engineer acknowledges the page" },
      { time: "00:10 UTC", event: "Old segments deleted, broker-3 accepts writes again" },
      { time: "00:12 UTC", event: "Backlog drained, incident closed" },
    ]);
  });

  it("reads an ordered list of 오후 N시 M분 items under 장애 경과 (Korean)", () => {
    const timeline = post("ko-list-ordered.md").timeline;
    expect(timeline?.rows.map((r) => r.time)).toEqual([
      "오후 2시 15분",
      "오후 2시 32분",
      "오후 2시 50분",
      "오후 3시 18분",
    ]);
    expect(timeline?.rows[1]?.event).toBe("별빛페이, 공지로 장애 사실 알림");
  });

  it("reads * HH:MM KST: items under an h3 타임라인 (Korean)", () => {
    expect(times("ko-list-kst.md")).toEqual(["14:10 KST", "14:25 KST", "15:02 KST"]);
  });

  it("reads N時M分： items under 経緯 (Japanese)", () => {
    const timeline = post("ja-list.md").timeline;
    expect(timeline?.rows.map((r) => r.time)).toEqual(["9時05分", "9時20分", "10時40分"]);
    expect(timeline?.rows[0]?.event).toBe("監視システムが応答遅延を検知");
  });

  it("reads month stamps (1月) under 时间线 (Chinese)", () => {
    const timeline = post("zh-list-months.md").timeline;
    expect(timeline?.rows.map((r) => r.time)).toEqual(["1月", "3月", "6月", "9月"]);
    expect(timeline?.rows[0]?.event).toBe("启动迁移评估");
  });

  it("reads relative stamps (Day 0, D+1, T+1 周) in a rollout list", () => {
    expect(times("eras.md")).toEqual(["Day 0", "D+1", "T+1 周", "T+2 周"]);
  });

  it("leaves lists alone when no timeline heading is above them", () => {
    const md = "---\ntitle: t\n---\n\n## Notes\n\n- 09:00 coffee\n- 10:00 standup\n- 11:00 review\n";
    expect(parsePost(md, "t.md").timeline).toBeNull();
  });

  it("needs most items of the list to start with a stamp", () => {
    const md =
      "---\ntitle: t\n---\n\n## Timeline\n\n- 09:00 paged\n- then we looked\n- then we fixed it\n- and went home\n- 11:00 closed\n";
    expect(parsePost(md, "t.md").timeline).toBeNull();
  });
});

describe("heading-run timelines", () => {
  it("takes each stamped sub-heading's remainder, else its paragraphs, as the event", () => {
    expect(post("heading-run.md").timeline?.rows).toEqual([
      { time: "07:02 UTC", event: "A new index build was promoted while it was still empty." },
      { time: "07:15 UTC", event: "Support tickets arrive" },
      { time: "07:31 UTC", event: "The previous index was restored. Queries were answered normally again." },
      { time: "07:42 UTC", event: "The incident was closed after error rates stayed at zero." },
    ]);
  });

  it("joins lists under date sub-headings, each time dated by its heading", () => {
    const md = `---\ntitle: t\n---\n\n## Timeline\n\n### 2026-02-20\n\n- 22:40 UTC: deploy\n- 23:55 UTC: errors rise\n\n### 2026-02-21\n\n- 00:20 UTC: rollback\n- 01:00 UTC: closed\n`;
    expect(parsePost(md, "t.md").timeline?.rows.map((r) => r.time)).toEqual([
      "2026-02-20 22:40 UTC",
      "2026-02-20 23:55 UTC",
      "2026-02-21 00:20 UTC",
      "2026-02-21 01:00 UTC",
    ]);
  });
});

describe("what is not a timeline", () => {
  it("refuses durations (2시간, 16.5시간, 10분, 3 hours, 10 min, 2h) as times", () => {
    const article = post("durations-table.md");
    expect(article.tables).toHaveLength(2);
    expect(article.timeline).toBeNull();
  });

  it("refuses comparison tables whose times sit in several columns", () => {
    const article = post("comparison-table.md");
    expect(article.tables).toHaveLength(2);
    expect(article.timeline).toBeNull();
  });

  it("refuses a two-row table of sample records", () => {
    expect(post("sample-records.md").timeline).toBeNull();
  });

  it("keeps a two-row table whose time column is headed as one (시점 / 내용)", () => {
    const md =
      "---\ntitle: t\n---\n\n| 시점 | 내용 |\n|---|---|\n| 1918년 3월 | 파병 결정 |\n| 1918년 7월 | 연합군 개입 |\n";
    expect(parsePost(md, "t.md").timeline?.rows.map((r) => r.time)).toEqual(["1918년 3월", "1918년 7월"]);
  });

  it("refuses times out of order in both directions", () => {
    const md =
      "---\ntitle: t\n---\n\n| Time | Event |\n|---|---|\n| 10:00 | a b |\n| 08:00 | c d |\n| 11:00 | e f |\n| 07:00 | g h |\n";
    expect(parsePost(md, "t.md").timeline).toBeNull();
  });

  it("accepts a reverse-chronological table (newest first)", () => {
    const md =
      "---\ntitle: t\n---\n\n| 시간 | 내용 |\n|---|---|\n| 2023년 9월 | 가 발표 |\n| 2023년 8월 | 나 발표 |\n| 2023년 7월 | 다 발표 |\n";
    expect(parsePost(md, "t.md").timeline?.rows).toHaveLength(3);
  });
});

describe("month, year and era stamps", () => {
  it("reads a table of 2015~, 2018–2020 and Dec 2025 rows", () => {
    const article = post("eras.md");
    expect(findTimeline(article.tables)?.rows.map((r) => r.time)).toEqual(["2015~", "2018–2020", "Dec 2025"]);
  });
});

describe("several candidates", () => {
  it("takes the one under the timeline heading, even when a table elsewhere is longer", () => {
    expect(times("several-candidates.md")).toEqual(["09:12 UTC", "09:30 UTC", "10:05 UTC"]);
  });

  it("takes the longest when none is under a timeline heading", () => {
    expect(times("longest-table.md")).toEqual(["May 1", "May 9", "May 20", "Jun 3", "Jun 4"]);
  });

  it("takes a table under a timeline heading over a longer one elsewhere", () => {
    const md = `---\ntitle: t\n---\n\n| When | What |\n|---|---|\n| Oct 1 | a b |\n| Oct 2 | c d |\n| Oct 3 | e f |\n| Oct 4 | g h |\n\n## What happened\n\n| Time | Event |\n|---|---|\n| 09:00 | paged |\n| 09:10 | fixed |\n| 09:20 | closed |\n`;
    expect(parsePost(md, "t.md").timeline?.rows.map((r) => r.time)).toEqual(["09:00", "09:10", "09:20"]);
  });
});

/**
 * The stamp reader and the order check behind timeline detection: times and
 * dates as posts write them, durations refused, and what "in order" means.
 */
import { describe, expect, it } from "vitest";
import { isTimeCell } from "../src/article/index.ts";
import { chronologyOf } from "../src/article/timeline-order.ts";
import { readStamp, type StampParts } from "../src/article/timeline-stamp.ts";

describe("readStamp", () => {
  it.each([
    ["07:02 UTC — alerts fire", "07:02 UTC", { minutes: 422 }],
    ["11:00 AM", "11:00 AM", { minutes: 660 }],
    ["1:00 PM", "1:00 PM", { minutes: 780 }],
    ["오후 2시 15분 송금 실패", "오후 2시 15분", { minutes: 855 }],
    ["오후 1:42", "오후 1:42", { minutes: 822 }],
    ["14:10 KST: 첫 신고", "14:10 KST", { minutes: 850 }],
    ["5일 오후 6시 36분", "5일 오후 6시 36분", { day: 5, minutes: 1116 }],
    ["2026-10-14 16:40", "2026-10-14 16:40", { year: 2026, month: 10, day: 14, minutes: 1000 }],
    [
      "2024-06-28 7:26 AM Eastern: destroyed",
      "2024-06-28 7:26 AM Eastern",
      { year: 2024, month: 6, day: 28, minutes: 446 },
    ],
    ["2023-MM-DD[1]: created", "2023-MM-DD", { year: 2023 }],
    ["2023년 9월", "2023년 9월", { year: 2023, month: 9 }],
    ["6月16日", "6月16日", { month: 6, day: 16 }],
    ["下午3点 服务恢复", "下午3点", { minutes: 900 }],
    ["9時05分：検知", "9時05分", { minutes: 545 }],
    ["Dec 2025", "Dec 2025", { month: 12, year: 2025 }],
    ["Oct 14", "Oct 14", { month: 10, day: 14 }],
    ["31st July 2018", "31st July 2018", { day: 31, month: 7, year: 2018 }],
    ["1月：启动", "1月", { month: 1 }],
    ["2015~ 설립", "2015~", { year: 2015 }],
    ["2018–2020", "2018–2020", { year: 2018 }],
    ["1990s: mainframes", "1990s", { year: 1990 }],
    ["T+1 周: half", "T+1 周", { offset: 10080 }],
    ["T+30m", "T+30m", { offset: 30 }],
    ["Day 0: staff", "Day 0", { offset: 0 }],
    ["D+1", "D+1", { offset: 1440 }],
  ])("reads %j as %j", (text, stamp, parts) => {
    expect(readStamp(text)).toMatchObject({ text: stamp, parts });
  });

  it("reads relative words as stamps without a moment", () => {
    expect(readStamp("이후 경찰 출동")).toMatchObject({ text: "이후", parts: null });
    expect(readStamp("현재")).toMatchObject({ text: "현재", parts: null });
  });

  it.each(["2시간", "16.5시간", "10분", "30분", "3 hours", "10 min", "2h", "2時間", "3개월", "2小时"])(
    "refuses the duration %j",
    (text) => {
      expect(readStamp(text)).toBeNull();
      expect(isTimeCell(text)).toBe(false);
    },
  );

  it.each(["2024 users signed up", "2019abc", "목포 → 홍도", "45,000원", "Gone with the wind", "2시즌", "16~18일"])(
    "refuses %j",
    (text) => {
      expect(readStamp(text)).toBeNull();
    },
  );

  it("reads only the start of a long row", () => {
    expect(readStamp(`${" ".repeat(200)}07:02`)).toBeNull();
    expect(readStamp(`07:02 ${"x".repeat(100_000)}`)?.text).toBe("07:02");
  });
});

describe("chronologyOf", () => {
  const minutes = (...values: number[]): StampParts[] => values.map((m) => ({ minutes: m }));

  it("counts times crossing midnight as going forwards", () => {
    expect(chronologyOf(minutes(23 * 60 + 50, 23 * 60 + 58, 10, 40))).toEqual({ distinct: 4, ordered: true });
  });

  it("counts times crossing midnight backwards as going backwards", () => {
    expect(chronologyOf(minutes(40, 10, 23 * 60 + 58, 23 * 60 + 50))).toEqual({ distinct: 4, ordered: true });
  });

  it("reads times after a date as that day's, and a date after times as a new day", () => {
    const stamps: StampParts[] = [
      { year: 2019, month: 10, day: 20, minutes: 55 },
      { minutes: 98 },
      { minutes: 500 },
      { year: 2019, month: 10, day: 21, minutes: 60 },
    ];
    expect(chronologyOf(stamps)).toEqual({ distinct: 4, ordered: true });
  });

  it("lets a month alone or a day alone inherit the year and month before it", () => {
    const stamps: StampParts[] = [{ year: 2023, month: 9 }, { day: 5 }, { day: 20 }, { month: 10 }];
    expect(chronologyOf(stamps)).toEqual({ distinct: 4, ordered: true });
  });

  it("allows one step in five against the order, not more", () => {
    expect(chronologyOf(minutes(1, 2, 3, 2, 4, 5)).ordered).toBe(true);
    expect(chronologyOf(minutes(1, 3, 2, 4, 3, 5)).ordered).toBe(false);
  });

  it("treats equal neighbours as in order and counts them once", () => {
    expect(chronologyOf(minutes(1280, 1280, 1369))).toEqual({ distinct: 2, ordered: true });
  });

  it("skips rows without a moment", () => {
    expect(chronologyOf([{ day: 5 }, null, { day: 6 }])).toEqual({ distinct: 2, ordered: true });
  });
});

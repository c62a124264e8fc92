/**
 * Reading the time or date a timeline row starts with: "07:02 UTC",
 * "2026-10-14 16:40", "오후 2시 15분", "6月16日", "Dec 2025", "2015~",
 * "T+1 周", "Day 0". Durations ("2시간", "30분", "3 hours", "2h") are not
 * stamps: a table of how long things took is not a timeline.
 */

/** When a stamp says something happened; fields it does not name are absent. */
export interface StampParts {
  year?: number | undefined;
  month?: number | undefined;
  day?: number | undefined;
  /** Minutes after midnight. */
  minutes?: number | undefined;
  /** Minutes from a reference point (T+30m, Day 2, D-1), for stamps relative to an event. */
  offset?: number | undefined;
}

export interface Stamp {
  /** The stamp as written, trimmed. */
  text: string;
  /** Where the stamp ends in the text it was read from. */
  end: number;
  /** Null for words that only order among real stamps ("이후", "현재", "later"). */
  parts: StampParts | null;
}

/** Stamps are short: only this much of a row is read, so a huge list item costs no more than a small one. */
const HEAD = 96;

const MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec";
const MONTH_INDEX = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const monthOf = (name: string) => MONTH_INDEX.indexOf(name.slice(0, 3).toLowerCase()) + 1;

type Reader = (m: RegExpExecArray) => StampParts;
const num = (value: string | undefined) => (value === undefined || !/^\d+$/.test(value) ? undefined : Number(value));

/** Date patterns, tried in order at the start of the row; each returns what it read. */
const DATES: [RegExp, Reader][] = [
  // 2026-10-14, 1994/2/14, 2023.09, and incident reports' placeholder 2023-MM-DD.
  [
    /^(\d{4})[-./](\d{1,2}|MM)(?:[-./](\d{1,2}|DD))?(?![\d.])/,
    (m) => ({ year: num(m[1]), month: num(m[2]), day: num(m[3]) }),
  ],
  // 14/10/2026: day and month order is unknown, the year is enough to order rows.
  [/^(\d{1,2})[-./](\d{1,2})[-./](\d{4}|\d{2})(?!\d)/, (m) => ({ year: num(m[3]) })],
  [
    /^(\d{4})\s*[년年](?:\s*(\d{1,2})\s*[월月])?(?:\s*(\d{1,2})\s*[일日])?/,
    (m) => ({ year: num(m[1]), month: num(m[2]), day: num(m[3]) }),
  ],
  [/^(\d{1,2})\s*[월月](?:\s*(\d{1,2})\s*[일日号號])?/, (m) => ({ month: num(m[1]), day: num(m[2]) })],
  [/^(\d{1,2})\s*일(?!\s*(?:간|동안|째))(?:\s*\(?[월화수목금토일]\)?(?![\p{L}]))?/u, (m) => ({ day: num(m[1]) })],
  // Oct 14, October 14th, 2024 / Dec 2025
  [
    new RegExp(`^(${MONTHS})[a-z]*\\.?\\s+(?:(\\d{1,2})(?:st|nd|rd|th)?(?!\\d)(?:,?\\s+(\\d{4}))?|(\\d{4}))`, "i"),
    (m) => ({ month: monthOf(m[1] as string), day: num(m[2]), year: num(m[3] ?? m[4]) }),
  ],
  // 14 Oct, 31st July 2018
  [
    new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTHS})[a-z]*\\.?(?:,?\\s+(\\d{4}))?`, "i"),
    (m) => ({ day: num(m[1]), month: monthOf(m[2] as string), year: num(m[3]) }),
  ],
  // A bare year or era: 2019, 2015~, 2018–2020, 1990s. Only before a break, so "2024 users signed up" is not one.
  [
    /^((?:19|20)\d{2})s?(?:\s*[~–—-]\s*(?:(?:19|20)\d{2}|present|now|현재|今)|\s*~|(?=\s*(?:$|[:|)\],.;—–-])))/i,
    (m) => ({ year: num(m[1]) }),
  ],
];

/** Times of day, alone or after a date. */
const TIMES: [RegExp, Reader][] = [
  // 오후 1:42, 午後 3:05, 下午 2:30: the day period written first, in words.
  [
    /^(오전|오후|새벽|아침|낮|저녁|밤|午前|午後|上午|下午|晚上|凌晨|中午)\s*(\d{1,2}):(\d{2})/,
    (m) => ({ minutes: clock(m[2], m[3], afternoon(m[1]) ? "p" : m[1] ? "a" : undefined) }),
  ],
  [
    /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:\s*([ap])\.?m\.?(?![a-z]))?/i,
    (m) => ({ minutes: clock(m[1], m[2], m[3]) }),
  ],
  [/^(\d{1,2})\s*([ap])\.?m\.?(?![a-z])/i, (m) => ({ minutes: clock(m[1], "0", m[2]) })],
  [
    /^(오전|오후|새벽|아침|낮|저녁|밤)?\s*(\d{1,2})\s*시(?![간즌])(?:\s*(\d{1,2})\s*분(?!\s*(?:간|동안)))?/,
    (m) => ({ minutes: clock(m[2], m[3] ?? "0", afternoon(m[1]) ? "p" : m[1] ? "a" : undefined) }),
  ],
  [
    /^(午前|午後|上午|下午|晚上|凌晨|中午)?\s*(\d{1,2})\s*[時时点點](?![間间])(?:\s*(\d{1,2})\s*分(?![钟鐘間间]))?/,
    (m) => ({ minutes: clock(m[2], m[3] ?? "0", afternoon(m[1]) ? "p" : m[1] ? "a" : undefined) }),
  ],
  [/^(오전|오후|새벽|아침|낮|저녁|밤|정오|자정)(?![\p{L}])/u, (m) => ({ minutes: afternoon(m[1]) ? 720 : 0 })],
];

/** Stamps relative to the start of the incident: T+30m, T+1 周, Day 0, D+1, Week 2. */
const RELATIVE_STAMP =
  /^(?:T\s*([+-−])\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|wk|weeks?|周|週|天|日|小时|小時|分钟|分|시간|분|일|주)?|(?:(Day|Week)\s*|(D|W)(?=\s*[+-−]))([+-−]?)\s*(\d{1,4}))(?![\p{L}\d])/iu;

/** Words that place a row among real stamps without being one. */
const RELATIVE_WORD =
  /^(today|yesterday|tonight|now|earlier|later|현재|이후|이전|직후|당일|오늘|어제|내일|예정|향후|今天|昨天|之后|目前|現在|その後)(?![\p{L}])/iu;

/** Time zone names after a time: upper case only, so "10:00 at noon" is not "10:00 AT". */
const ZONE =
  /^\s*(?:\(?(?:UTC|GMT)(?:\s*[+-−]\s*\d{1,2}(?::?\d{2})?)?\)?|Z(?![\p{L}])|[A-Z]{2,4}T(?![\p{L}])|[+-]\d{2}:?\d{2}|(?:Eastern|Pacific|Central|Mountain)(?: Time)?)/u;

const UNIT_MINUTES: [RegExp, number][] = [
  [/^(s|sec)$/i, 1 / 60],
  [/^(m|min|mins|minutes?|分钟|分|분)$/i, 1],
  [/^(h|hr|hrs|hours?|小时|小時|시간)$/i, 60],
  [/^(d|days?|天|日|일)$/i, 1440],
  [/^(w|wk|weeks?|周|週|주)$/i, 10080],
];

function clock(hour: string | undefined, minute: string | undefined, period: string | undefined): number | undefined {
  const h = Number(hour);
  const m = Number(minute);
  if (h > 24 || m > 59) return undefined;
  const pm = period?.toLowerCase() === "p";
  const h24 = period ? (h % 12) + (pm ? 12 : 0) : h;
  return h24 * 60 + m;
}

const afternoon = (word: string | undefined) =>
  word !== undefined && /오후|저녁|밤|정오|午後|下午|晚上|中午/.test(word);

/**
 * The stamp a row starts with, or null. `text` should start at the row's
 * first character (leading spaces are skipped); a stamp must end at a break
 * (space, punctuation, end) so "2019abc" or "10:00am2" are not stamps.
 */
export function readStamp(text: string): Stamp | null {
  const head = text.slice(0, HEAD);
  const lead = head.length - head.trimStart().length;
  const rest = head.slice(lead);

  const relative = RELATIVE_STAMP.exec(rest);
  if (relative) return stamp(rest, lead, relative[0].length, { offset: relativeMinutes(relative) });
  const word = RELATIVE_WORD.exec(rest);
  if (word) return stamp(rest, lead, word[0].length, null);

  let end = 0;
  let parts: StampParts | null = null;
  // A weekday before a date ("Tue, 14 Oct", "월요일") says nothing the date does not.
  const weekday = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(?=\d)/i.exec(rest);
  if (weekday) end = weekday[0].length;
  const date = firstMatch(DATES, rest.slice(end));
  if (date) {
    parts = date.parts;
    end += date.length;
    // Date and time: "2026-10-14 16:40", "2026-10-14T16:40Z", "5일 오후 6시", "Oct 14, 09:00".
    const joiner = /^(?:T(?=\d)|\s*,?\s*)/.exec(rest.slice(end))?.[0] ?? "";
    const time = firstMatch(TIMES, rest.slice(end + joiner.length));
    // Digits straight after a date ("2026-10-1416:40") are not a time of it.
    if (time && (joiner !== "" || !/^\d/.test(rest.slice(end)))) {
      parts = { ...parts, ...time.parts };
      end += joiner.length + time.length;
    }
  } else {
    const time = firstMatch(TIMES, rest);
    if (!time) return null;
    parts = time.parts;
    end = time.length;
  }
  if (parts && parts.minutes !== undefined) end += ZONE.exec(rest.slice(end))?.[0].length ?? 0;
  if (!endsAtBreak(rest, end)) return null;
  return stamp(rest, lead, end, parts);
}

function firstMatch(patterns: [RegExp, Reader][], text: string): { parts: StampParts; length: number } | null {
  for (const [pattern, read] of patterns) {
    const m = pattern.exec(text);
    if (m) return { parts: read(m), length: m[0].length };
  }
  return null;
}

/** Latin letters or digits right after a stamp mean it was part of a word or number ("2019abc", "12:30pm2"). */
function endsAtBreak(text: string, end: number): boolean {
  const before = text[end - 1] ?? "";
  const after = text[end] ?? "";
  if (!after) return true;
  if (/[A-Za-z0-9]/.test(before)) return !/[A-Za-z0-9]/.test(after);
  return true;
}

function stamp(rest: string, lead: number, length: number, parts: StampParts | null): Stamp {
  return { text: rest.slice(0, length).trim(), end: lead + length, parts };
}

function relativeMinutes(m: RegExpExecArray): number {
  const written = m[1] ?? m[6];
  const sign = written === "-" || written === "−" ? -1 : 1;
  if (m[2] !== undefined) {
    const unit = m[3] ?? "m";
    const perUnit = UNIT_MINUTES.find(([pattern]) => pattern.test(unit))?.[1] ?? 1;
    return sign * Number(m[2]) * perUnit;
  }
  const perUnit = /^w/i.test(m[4] ?? m[5] ?? "") ? 10080 : 1440;
  return sign * Number(m[7]) * perUnit;
}

/**
 * Feed dates (RFC 822 in RSS, RFC 3339 in Atom and JSON Feed, and the odd
 * things publishers write instead) → ISO 8601 UTC. Anything that cannot be
 * read with confidence is null: a wrong date is worse than none.
 */

/**
 * English month abbreviations, plus the Portuguese, Spanish and German ones
 * that real feeds put in RFC 822 dates ("Seg, 24 Set 2018"). None collide:
 * where languages share an abbreviation they mean the same month.
 */
const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  ene: 1,
  fev: 2,
  abr: 4,
  mai: 5,
  ago: 8,
  set: 9,
  out: 10,
  okt: 10,
  dez: 12,
  dic: 12,
  mär: 3,
  mrz: 3,
};

/** Named zones seen in real feeds, in minutes east of UTC. Ambiguous names (IST, CST-as-China) are left out. */
const ZONES: Record<string, number> = {
  z: 0,
  ut: 0,
  utc: 0,
  gmt: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  kst: 540,
  jst: 540,
  hkt: 480,
  sgt: 480,
  awst: 480,
  acst: 570,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
};

// "Sat, 28 Jun 2025 14:17:20 +0900", "03 Apr 02 1500 GMT", "17 January 2018 15:50 EST"
const RFC822 =
  /^(?:\p{L}{2,12}\.?,?\s+)?(\d{1,2})[\s-]+(\p{L}{3,9})\.?[\s-]+(\d{2}|\d{4}),?\s+(\d{1,2}):?(\d{2})(?::?(\d{2}))?(?:\.\d+)?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?$/u;

// "2018-04-09T19:39:12.675Z", "2016-02-01T17:22:00+01:00", "2024-10-13", "2018-01-17 15:50:00"
const ISO8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parses a feed date into an ISO UTC string, or null when it is missing or unreadable. */
export function parseFeedDate(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim().replace(/\s+/g, " ");
  if (!text || text.length > 64) return null;
  return fromIso(text) ?? fromRfc822(text);
}

function fromIso(text: string): string | null {
  const m = ISO8601.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0", zone] = m;
  // Without an offset a feed date has no better reading than UTC: the
  // feed's own time zone is not known here.
  const offset = zone ? offsetMinutes(zone) : 0;
  if (offset === null) return null;
  return build(
    Number(y),
    Number(mo),
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(frac.slice(0, 3).padEnd(3, "0")),
    offset,
  );
}

function fromRfc822(text: string): string | null {
  const m = RFC822.exec(text);
  if (!m) return null;
  const [, d, monthName = "", y = "", h, mi, s = "0", zone] = m;
  const month = MONTHS[monthName.slice(0, 3).toLowerCase()];
  if (!month) return null;
  let year = Number(y);
  // RFC 2822 §4.3: two-digit years 00–49 are 20xx, 50–99 are 19xx.
  if (y.length === 2) year += year < 50 ? 2000 : 1900;
  const offset = zone ? offsetMinutes(zone) : 0;
  if (offset === null) return null;
  return build(year, month, Number(d), Number(h), Number(mi), Number(s), 0, offset);
}

/** Minutes east of UTC for "+0900", "-05:00", "+09" or a known zone name; null for an unknown name. */
function offsetMinutes(zone: string): number | null {
  if (/^[+-]/.test(zone)) {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "").padEnd(4, "0");
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2, 4));
    if (hours > 14 || minutes > 59) return null;
    return sign * (hours * 60 + minutes);
  }
  return ZONES[zone.toLowerCase()] ?? null;
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offset: number,
): string | null {
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60)
    return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  const check = new Date(Date.UTC(year, month - 1, day));
  // Reject 31 April and friends rather than letting Date roll them over.
  if (check.getUTCDate() !== day) return null;
  return new Date(utc - offset * 60_000).toISOString();
}

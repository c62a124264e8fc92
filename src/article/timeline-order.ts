import type { StampParts } from "./timeline-stamp.ts";

/**
 * Whether a run of stamps reads as a chronology: enough distinct moments, in
 * order one way or the other (post-mortems run forwards, status pages and
 * some news tables backwards). Rows only state what they change: "5일" after
 * "2023년 9월" means 2023-09-05, "00:40" after "23:58" means the next day.
 */

/** Sort keys of the stamps that have one, in row order, each read against the rows before it. */
export function chronologyKeys(stamps: (StampParts | null)[]): number[] {
  const keys: number[] = [];
  let year = 0;
  let month = 0;
  let day = 0;
  let dayShift = 0;
  let lastMinutes: number | undefined;
  for (const parts of stamps) {
    if (!parts) continue;
    if (parts.offset !== undefined) {
      keys.push(parts.offset);
      continue;
    }
    const dated = parts.year !== undefined || parts.month !== undefined || parts.day !== undefined;
    if (parts.year !== undefined) [year, month, day] = [parts.year, parts.month ?? 0, parts.day ?? 0];
    else if (parts.month !== undefined) [month, day] = [parts.month, parts.day ?? 0];
    else if (parts.day !== undefined) day = parts.day;
    if (dated) dayShift = 0;
    else if (parts.minutes !== undefined && lastMinutes !== undefined) {
      // A time alone that jumps by more than half a day crossed midnight, forwards or backwards.
      if (lastMinutes - parts.minutes > 720) dayShift++;
      else if (parts.minutes - lastMinutes > 720) dayShift--;
    }
    lastMinutes = parts.minutes ?? (dated ? undefined : lastMinutes);
    keys.push(((year * 13 + month) * 32 + day + dayShift) * 1440 + (parts.minutes ?? 0));
  }
  return keys;
}

export interface Chronology {
  /** How many different moments the rows name. */
  distinct: number;
  /** True when the moments go one way, allowing one step in five against it. */
  ordered: boolean;
}

export function chronologyOf(stamps: (StampParts | null)[]): Chronology {
  const keys = chronologyKeys(stamps);
  let forwards = 0;
  let backwards = 0;
  for (let i = 1; i < keys.length; i++) {
    const step = (keys[i] as number) - (keys[i - 1] as number);
    if (step > 0) forwards++;
    else if (step < 0) backwards++;
  }
  const against = Math.min(forwards, backwards);
  return { distinct: new Set(keys).size, ordered: against <= Math.floor((keys.length - 1) / 5) };
}

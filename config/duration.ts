/** Durations as admins write them: `30s`, `5m`, `1h`, `1d`, `250ms`. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * (UNITS[m[2] as string] as number);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
}

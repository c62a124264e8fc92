/**
 * First run never floods a channel: everything a feed already holds is
 * recorded as seen, except the newest `backfill` items, which are posted.
 * Items are given newest first.
 */
export function itemsToPostOnFirstRun<T>(newestFirst: T[], backfill: number): Set<T> {
  return new Set(newestFirst.slice(0, Math.max(0, backfill)));
}

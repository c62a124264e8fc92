/**
 * Polls `check` until it returns a truthy value, and returns that value; throws after `timeoutMs`
 * naming `what` was awaited. For waiting on a positive signal: never for "nothing else happens".
 * `everyMs`: how often to look (the benchmarks look every 5 ms, so a wait adds little to a figure).
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
  what = "condition",
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An ISO instant strictly after every timestamp the store has written so far
 * and before every one it writes once this returns: timestamps have
 * millisecond resolution, so tests that order rows by time wait for the clock.
 */
export async function laterInstant(): Promise<string> {
  const start = new Date().toISOString();
  let now = start;
  while (now === start) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    now = new Date().toISOString();
  }
  await new Promise((resolve) => setTimeout(resolve, 2));
  return now;
}

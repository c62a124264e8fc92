/**
 * A process whose roles parse posts (`ingest` workers, the `http` ingest endpoint) has a parse thread
 * booted from its start, so the first breaking news after a quiet spell does not wait for one; a
 * process that only delivers holds none.
 */
import { afterEach, expect, it } from "vitest";
import { parseRoles } from "../jobs/roles.ts";
import { startService } from "../jobs/service.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it.each([
  ["ingest", 1],
  ["http", 1],
  ["deliver", 0],
])("--roles %s starts with %i parse thread(s) before any post arrives", async (roles, threads) => {
  const t = testConfig({ cards: { enabled: false } });
  cleanups.push(t.cleanup);
  const service = await startService(t.config, { log: silentLog, roles: parseRoles(roles) });
  cleanups.push(() => service.stop(0));
  if (threads > 0) await waitFor(() => service.runtime.untrusted.threads() === threads, 15_000, "the parse thread");
  // No post has been parsed: the thread (or its absence) is the process's own doing.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(service.runtime.untrusted.threads()).toBe(threads);
});

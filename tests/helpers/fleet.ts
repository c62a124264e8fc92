/**
 * Several `herald start` processes sharing one config (same Redis prefix, same SQLite file),
 * each on its own HTTP port, as an operator runs them for failover.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { HeraldConfig } from "../../config/schema.ts";
import { type HeraldProcess, spawnHerald } from "./herald.ts";
import { waitFor } from "./pipeline.ts";

export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

export interface FleetMember {
  process: HeraldProcess;
  port: number;
  /** The duties this process holds, from its /healthz (empty when it does not answer). */
  duties(): Promise<string[]>;
}

/** What every member's config shares: the test config's Redis and database, plus `extra` (JSON, so `${VAR}` stays for the loader). */
export function fleetConfigWriter(t: { config: HeraldConfig; dir: string }, extra: Record<string, unknown>) {
  return (port: number): string => {
    const path = join(t.dir, `herald-${port}.yaml`);
    writeFileSync(
      path,
      JSON.stringify({
        redis: t.config.redis,
        database: t.config.database,
        http: { host: "127.0.0.1", port },
        log: { level: "warn" },
        ...extra,
      }),
    );
    return path;
  };
}

/** Starts one member and waits until its /healthz says it started fully. */
export async function startMember(
  configFor: (port: number) => string,
  env: Record<string, string> = {},
): Promise<FleetMember> {
  const port = await freePort();
  const child = spawnHerald(["start", "--config", configFor(port)], env);
  const member: FleetMember = {
    process: child,
    port,
    duties: async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) }).catch(
        () => null,
      );
      return res ? (((await res.json()) as { duties?: string[] }).duties ?? []) : [];
    },
  };
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`herald start exited with ${child.exitCode}: ${child.output()}`);
      return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200;
    },
    45_000,
    `herald start on port ${port} to be healthy`,
  );
  return member;
}

/** The member holding `duty` (or a duty named `duty…` when it ends with ":"), once one does. */
export function ownerOf(members: FleetMember[], duty: string, timeoutMs: number): Promise<FleetMember> {
  const matches = (name: string) => (duty.endsWith(":") ? name.startsWith(duty) : name === duty);
  return waitFor(
    async () => {
      for (const member of members)
        if (member.process.exitCode === null && (await member.duties()).some(matches)) return member;
      return null;
    },
    timeoutMs,
    `a process to hold ${duty}`,
  );
}

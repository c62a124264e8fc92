import { stripControlsInLine } from "../src/text/controls.ts";

/**
 * What one Herald process does. A single `herald start` runs them all; a fleet
 * spreads them so that, for example, only one machine pays for Chromium:
 *
 * - `http`: the ingest endpoint, the bots' HTTP modes, `/healthz`, `/cards` (the only role that binds a port)
 * - `sources`: directory watchers, feed schedules, and the scheduled housekeeping (`prune-cards`) with its worker
 * - `bots`: the command connections Herald opens (Telegram long polling, Discord gateway, Slack Socket Mode)
 * - `ingest`: the ingest and poll workers: parse posts and feeds, render cards (the only role that launches Chromium)
 * - `deliver`: the delivery workers
 */
export const ROLES = ["http", "sources", "bots", "ingest", "deliver"] as const;

export type Role = (typeof ROLES)[number];
export type Roles = ReadonlySet<Role>;

export const ALL_ROLES: Roles = new Set(ROLES);

/** `herald worker`: more delivery capacity, no port, no bot sessions, no Chromium. */
export const WORKER_ROLES: Roles = new Set<Role>(["deliver"]);

/** A `--roles` list Herald cannot run; its message is the one line the CLI prints. */
export class RolesError extends Error {
  override name = "RolesError";
}

/** `"deliver,http"` → {deliver, http}. Unknown names fail at once, before anything is started. */
export function parseRoles(list: string): Roles {
  const names = list
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const known = `roles are ${ROLES.join(", ")}`;
  if (!names.length) throw new RolesError(`--roles needs at least one role: ${known}`);
  const unknown = names.filter((name) => !(ROLES as readonly string[]).includes(name));
  // The names come from the command line: shown, never interpreted by the terminal.
  if (unknown.length)
    throw new RolesError(
      `unknown role${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `'${stripControlsInLine(n)}'`).join(", ")} in --roles: ${known}`,
    );
  return new Set(names as Role[]);
}

/** In the canonical order, for logs: "http,deliver". */
export function rolesText(roles: Roles): string {
  return ROLES.filter((role) => roles.has(role)).join(",");
}

/**
 * Every platform Herald speaks, one line each. `config/`, `jobs/` and the
 * preview iterate over this list and name no platform: adding one is its
 * folder under adapters/ plus a line here (adapters/README.md).
 */
import { discordPlatform } from "./discord/platform.ts";
import type { AnyPlatform } from "./shared/platform.ts";
import { slackPlatform } from "./slack/platform.ts";
import { telegramPlatform } from "./telegram/platform.ts";

export type { AnyPlatform, CommandTransport, Pace, PlatformDescriptor } from "./shared/platform.ts";

/** The built-in platforms, in the order the preview page and `herald register-commands` show them. */
export const builtInPlatforms = [discordPlatform, slackPlatform, telegramPlatform] as const;

/** A built-in platform's id ("discord", …). */
export type Platform = (typeof builtInPlatforms)[number]["id"];

const extra: AnyPlatform[] = [];

/**
 * Adds a platform that lives outside this folder (a plugin, a test fixture).
 * Register before the config is parsed: its section and destination types are
 * read from here then. The registration is this thread's: the worker threads
 * that prove untrusted articles formattable check the built-in platforms only
 * (a registered platform's formatter first runs at delivery).
 */
export function registerPlatform(descriptor: AnyPlatform): void {
  if (platforms().some((p) => p.id === descriptor.id))
    throw new Error(`platform '${descriptor.id}' is already registered`);
  extra.push(descriptor);
}

/** Removes a platform {@link registerPlatform} added (tests clean up with it). */
export function unregisterPlatform(id: string): void {
  const index = extra.findIndex((p) => p.id === id);
  if (index >= 0) extra.splice(index, 1);
}

/** Every platform: the built-in ones, then the registered ones. */
export function platforms(): readonly AnyPlatform[] {
  return [...builtInPlatforms, ...extra];
}

export function platformById(id: string): AnyPlatform | undefined {
  return platforms().find((p) => p.id === id);
}

/** The platform a destination `type` belongs to, with that kind's behaviour. */
export function destinationKindOf(
  type: string,
): { platform: AnyPlatform; kind: AnyPlatform["destinations"][number] } | undefined {
  for (const platform of platforms()) {
    const kind = platform.destinations.find((k) => destinationType(k) === type);
    if (kind) return { platform, kind };
  }
  return undefined;
}

/** The `type` literal of a destination kind's schema. */
export function destinationType(kind: AnyPlatform["destinations"][number]): string {
  const type = kind.schema.shape.type as { value?: unknown } | undefined;
  if (typeof type?.value !== "string") throw new Error('a destination kind\'s schema needs `type: z.literal("…")`');
  return type.value;
}

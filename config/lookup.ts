import type { HeraldConfig } from "./schema.ts";

type Destination = HeraldConfig["destinations"][number];
type Feed = HeraldConfig["feeds"][number];

/**
 * Destinations and feeds by id, indexed once per parsed config. Delivery jobs look their
 * destination up on every run: a scan of a 10,000-destination config per job made a fan-out
 * quadratic (the lookups alone took more CPU than the posts).
 */
const indexes = new WeakMap<HeraldConfig, { destinations: Map<string, Destination>; feeds: Map<string, Feed> }>();

function indexOf(config: HeraldConfig) {
  let index = indexes.get(config);
  if (!index) {
    index = {
      destinations: new Map(config.destinations.map((d) => [d.id, d])),
      feeds: new Map(config.feeds.map((f) => [f.id, f])),
    };
    indexes.set(config, index);
  }
  return index;
}

/** The configured destination with this id; undefined for one only the store knows (added from chat). */
export function configuredDestination(config: HeraldConfig, id: string | undefined): Destination | undefined {
  return id === undefined ? undefined : indexOf(config).destinations.get(id);
}

/** The configured feed with this id; undefined for one only the store knows (added from chat). */
export function configuredFeed(config: HeraldConfig, id: string | null | undefined): Feed | undefined {
  return id == null ? undefined : indexOf(config).feeds.get(id);
}

import { configuredFeed } from "../../config/lookup.ts";
import type { FeedConfig, HeraldConfig } from "../../config/schema.ts";
import type { FeedFilters } from "../../src/filters.ts";
import type { Store } from "../../src/store/index.ts";

/** A feed as the pipeline sees it, whether it came from the config file or was added from chat. */
export interface FeedView {
  id: string;
  type: string;
  baseUrl: string | null;
  name: string | null;
  filters: FeedFilters;
  destinations: string[];
  backfill: number;
  paused: boolean;
}

const NO_FILTERS: FeedFilters = { categories: [], include: [], exclude: [] };

export async function feedView(config: HeraldConfig, store: Store, feedId: string): Promise<FeedView | null> {
  const configured = configuredFeed(config, feedId);
  const stored = await store.getFeed(feedId);
  if (configured) return fromConfig(configured, stored?.paused ?? configured.paused);
  if (!stored) return null;
  const c = stored.config as Partial<FeedConfig> & { filters?: FeedFilters };
  return {
    id: stored.id,
    type: stored.type,
    baseUrl: typeof c.baseUrl === "string" ? c.baseUrl : null,
    name: typeof c.name === "string" ? c.name : null,
    filters: c.filters ?? NO_FILTERS,
    destinations: stored.destinationIds,
    backfill: typeof c.backfill === "number" ? c.backfill : 0,
    paused: stored.paused,
  };
}

function fromConfig(feed: FeedConfig, paused: boolean): FeedView {
  return {
    id: feed.id,
    type: feed.type,
    baseUrl: feed.baseUrl ?? null,
    name: feed.name ?? null,
    filters: feed.filters,
    destinations: feed.destinations,
    backfill: feed.backfill,
    paused,
  };
}

/** Config feeds and destinations are mirrored into the store, so first-run state and delivery rows have something to point at. */
export async function syncConfigToStore(config: HeraldConfig, store: Store): Promise<void> {
  for (const d of config.destinations) await store.upsertDestination({ id: d.id, type: d.type, config: { ...d } });
  for (const f of config.feeds) {
    const { destinations, ...rest } = f;
    await store.upsertFeed({ id: f.id, type: f.type, config: rest, destinationIds: destinations });
  }
}

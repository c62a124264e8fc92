import { configuredDestination, configuredFeed } from "../../config/lookup.ts";
import type { HeraldConfig } from "../../config/schema.ts";
import { DEFAULT_BREAKING_PREFIXES, DEFAULT_STORY_POLICY, type StoryPolicy, storyZone } from "../../src/story/index.ts";

/**
 * A destination's story policy: its own keys, `delivery.updates` where it sets no `updates`.
 * A destination that is no longer in the config (a chat-added one) gets the defaults.
 */
export function storyPolicyOf(config: HeraldConfig, destinationId: string): StoryPolicy {
  const destination = configuredDestination(config, destinationId);
  if (!destination) return { ...DEFAULT_STORY_POLICY, updates: config.delivery.updates };
  return {
    updates: destination.updates ?? config.delivery.updates,
    retractions: destination.retractions,
    mention: destination.mention,
    silent: destination.silent,
    crosspost: destination.crosspost,
  };
}

/** What the feed an article came from says about its stories: the zone its times are shown in, its breaking prefixes. */
export function feedStoryOptions(
  config: HeraldConfig,
  feedId: string | null,
  language: string,
): { zone: string; prefixes: readonly string[] } {
  const feed = configuredFeed(config, feedId);
  const siteZone = feed?.type === "directory" ? feed.site?.timezone : undefined;
  return { zone: storyZone(language, siteZone), prefixes: feed?.breaking ?? DEFAULT_BREAKING_PREFIXES };
}

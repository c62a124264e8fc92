import { destinationKindOf, platforms } from "../adapters/registry.ts";
import { configuredDestination } from "../config/lookup.ts";
import type { HeraldConfig } from "../config/schema.ts";
import type { Poster } from "../src/adapter.ts";

/** Posters for bot destinations: from the config, or created from chat (then only `destinationId` is known here). */
export type BotPosterFactory = (
  destinationId: string,
  destination: HeraldConfig["destinations"][number] | undefined,
) => Poster | null | Promise<Poster | null>;

/** One poster per destination, made on first use and reused (keep-alive connections, client rate-limit state). */
export function createPosterRegistry(
  config: HeraldConfig,
  botPoster: BotPosterFactory = () => null,
): (destinationId: string) => Promise<Poster> {
  // Promises, not posters: two deliveries to a new destination at once share one poster (and its rate-limit state).
  const posters = new Map<string, Promise<Poster>>();
  const timeout = config.delivery.timeout;
  const create = async (destinationId: string): Promise<Poster> => {
    const destination = configuredDestination(config, destinationId);
    // A kind that posts on its own (an incoming webhook) needs no bot; a destination created from chat is only in the store.
    const ownPoster = destination && destinationKindOf(destination.type)?.kind.poster;
    const poster = ownPoster
      ? await ownPoster(destination, { timeoutMs: timeout })
      : await botPoster(destinationId, destination);
    if (!poster) {
      const sections = platforms().map((p) => `${p.id}:`);
      throw new Error(
        `destination '${destinationId}' has no way to post: unknown, or its bot section (${sections.join(", ")}) is missing`,
      );
    }
    return poster;
  };
  return (destinationId) => {
    let poster = posters.get(destinationId);
    if (!poster) {
      poster = create(destinationId);
      posters.set(destinationId, poster);
      // A failed lookup (store unreachable, destination not yet stored) is tried again next time.
      poster.catch(() => posters.delete(destinationId));
    }
    return poster;
  };
}

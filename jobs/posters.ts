import type { HeraldConfig } from "../config/schema.ts";
import { DiscordWebhookPoster } from "../adapters/discord/webhook.ts";
import { SlackWebhookPoster } from "../adapters/slack/webhook.ts";
import type { Poster } from "../src/adapter.ts";

/** Bot destinations register their posters here once their platform client is running. */
export type BotPosterFactory = (destination: HeraldConfig["destinations"][number]) => Poster | null;

/** One poster per destination, made on first use and reused (keep-alive connections, client rate-limit state). */
export function createPosterRegistry(config: HeraldConfig, botPoster: BotPosterFactory = () => null): (destinationId: string) => Poster {
  const posters = new Map<string, Poster>();
  const timeout = config.delivery.timeout;
  return (destinationId) => {
    const existing = posters.get(destinationId);
    if (existing) return existing;
    const destination = config.destinations.find((d) => d.id === destinationId);
    if (!destination) throw new Error(`unknown destination '${destinationId}'`);
    let poster: Poster | null;
    switch (destination.type) {
      case "discord-webhook":
        poster = new DiscordWebhookPoster(destination.url, timeout);
        break;
      case "slack-webhook":
        poster = new SlackWebhookPoster(destination.url, timeout);
        break;
      default:
        poster = botPoster(destination);
    }
    if (!poster) throw new Error(`destination '${destinationId}' (${destination.type}) needs its bot configured (the '${destination.type}:' section)`);
    posters.set(destinationId, poster);
    return poster;
  };
}

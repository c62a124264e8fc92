import { DiscordWebhookPoster } from "../adapters/discord/webhook.ts";
import { SlackWebhookPoster } from "../adapters/slack/webhook.ts";
import type { HeraldConfig } from "../config/schema.ts";
import type { Poster } from "../src/adapter.ts";

/** Posters for bot destinations: from the config, or created from chat (then only `destinationId` is known here). */
export type BotPosterFactory = (destinationId: string, destination: HeraldConfig["destinations"][number] | undefined) => Poster | null;

/** One poster per destination, made on first use and reused (keep-alive connections, client rate-limit state). */
export function createPosterRegistry(config: HeraldConfig, botPoster: BotPosterFactory = () => null): (destinationId: string) => Poster {
  const posters = new Map<string, Poster>();
  const timeout = config.delivery.timeout;
  return (destinationId) => {
    const existing = posters.get(destinationId);
    if (existing) return existing;
    const destination = config.destinations.find((d) => d.id === destinationId);
    let poster: Poster | null;
    switch (destination?.type) {
      case "discord-webhook":
        poster = new DiscordWebhookPoster(destination.url, timeout);
        break;
      case "slack-webhook":
        poster = new SlackWebhookPoster(destination.url, timeout);
        break;
      default:
        poster = botPoster(destinationId, destination);
    }
    if (!poster) throw new Error(`destination '${destinationId}' has no way to post: unknown, or its bot section (discord:, slack:, telegram:) is missing`);
    posters.set(destinationId, poster);
    return poster;
  };
}

/** Discord as adapters/registry.ts lists it. */
import { uploadedCard } from "../../src/message/card-placement.ts";
import { definePlatform, destinationKind, loadOnce } from "../shared/platform.ts";
import { discordDestination, discordSection, discordWebhookDestination } from "./config.ts";
import { formatDiscord } from "./format.ts";
import { discordPaces } from "./pace.ts";
import { DISCORD_PREVIEW_CSS, discordMock } from "./preview.ts";

/** Loaded on first use, once: every webhook destination makes a poster. */
const webhookPoster = loadOnce(() => import("./webhook-poster.ts"));

export const discordPlatform = definePlatform({
  id: "discord",
  title: "Discord",
  section: discordSection,
  destinations: [
    destinationKind({ schema: discordDestination, botChannel: (d) => d.channelId }),
    destinationKind({
      schema: discordWebhookDestination,
      poster: async (d, { timeoutMs }) =>
        new (await webhookPoster()).DiscordWebhookPoster(d.url, timeoutMs, d.threadId ?? null),
      commandChannel: (d) => d.channelId,
    }),
  ],
  apiUrlEnv: "DISCORD_API_URL",
  async create(d, { log, claimOnce }) {
    // Loaded on first use: the client library is most of an adapter's weight.
    const { createDiscordAdapter } = await import("./index.ts");
    return createDiscordAdapter({
      token: d.token || undefined,
      publicKey: d.publicKey || undefined,
      mode: d.mode,
      apiUrl: d.apiUrl,
      admins: d.admins,
      // Shared by the fleet: a signed interaction replayed to any process runs its command once.
      claimInteraction: claimOnce && ((id: string, ttlMs: number) => claimOnce(`discord-interaction:${id}`, ttlMs)),
      log,
    });
  },
  commandTransport: (d) => (d.mode === "gateway" ? "connection" : "http"),
  // A second gateway session gets every interaction too (and acknowledges it twice).
  exclusiveConnection: (d) => (d.mode === "gateway" && d.token ? { kind: "discord-gateway", token: d.token } : null),
  httpAuth: "signed-body",
  paces: discordPaces,
  // As the bot posts it: the card, when the message has one, uploaded with the request.
  format: (message) => formatDiscord(message, uploadedCard(message.card)),
  preview: { mock: discordMock, css: DISCORD_PREVIEW_CSS },
  async registerCommands(d, { guild }) {
    if (!d.applicationId)
      throw new Error(
        "discord.applicationId is required to register commands. Set it in the config (the Application ID on the Developer Portal).",
      );
    const { createDiscordAdapter } = await import("./index.ts");
    const discord = createDiscordAdapter({ token: d.token, mode: "none", apiUrl: d.apiUrl });
    await discord.registerCommands(d.applicationId, guild);
    return `discord: /news and /feeds registered ${guild ? `in guild ${guild}` : "globally"}`;
  },
});

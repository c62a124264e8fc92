/**
 * Herald's Discord bot: posts news into channels through one shared
 * @discordjs/rest client, and takes `/news` and `/feeds` from the gateway or
 * the HTTP interactions endpoint.
 *
 * @example
 * const discord = createDiscordAdapter({ token: env.DISCORD_TOKEN, mode: "gateway", log });
 * await discord.start(handleCommand);
 * const { id } = await discord.poster(channelId).post(message, card, { idempotencyKey });
 */

import type { KeyObject } from "node:crypto";
import type { REST } from "@discordjs/rest";
import type { CardFile, ChatAdapter, ConnectionOptions, HttpHandler, Poster } from "../../src/adapter.ts";
import type { CommandHandler } from "../../src/chat/types.ts";
import type { Log } from "../../src/log.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { createDiscordRest, DEFAULT_DISCORD_API } from "./client.ts";
import type { CommandInvocation, InteractionContext } from "./command-request.ts";
import { registerDiscordCommands } from "./commands.ts";
import { DiscordPoster, deleteDiscordMessage, editDiscordMessage } from "./poster.ts";
import { DiscordGateway } from "./receive-gateway.ts";
import { discordInteractionsHandler } from "./receive-http.ts";
import { failureReply } from "./reply.ts";
import { answerCommand } from "./respond.ts";
import { discordPublicKey } from "./signature.ts";
import type { DiscordAdapterOptions, DiscordMode } from "./types.ts";

export { commandDefinitions, registerDiscordCommands } from "./commands.ts";
export type { DiscordAdapterOptions, DiscordMode } from "./types.ts";

/** The path Discord's Interactions Endpoint URL must point at (on Herald's HTTP server). */
export const DISCORD_INTERACTIONS_ROUTE = "POST /discord/interactions";

/** Checks the options for the chosen mode; a missing secret fails here, naming its variable. */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const mode = options.mode ?? "gateway";
  if (!["gateway", "http", "none"].includes(mode)) {
    throw new Error(`discord.mode must be "gateway", "http" or "none", got ${JSON.stringify(mode)}.`);
  }
  const token = options.token?.trim();
  if (!token) throw new Error("discord.token is required. Set DISCORD_TOKEN or provide it in config.");
  let publicKey: KeyObject | null = null;
  if (mode === "http") {
    const hex = options.publicKey?.trim();
    if (!hex)
      throw new Error("discord.publicKey is required in http mode. Set DISCORD_PUBLIC_KEY or provide it in config.");
    publicKey = discordPublicKey(hex);
  }
  return new DiscordAdapter(options, mode, token, publicKey);
}

export class DiscordAdapter implements ChatAdapter {
  readonly platform = "discord" as const;
  /** Shared by every request this adapter makes, so rate limits are tracked in one place. */
  readonly rest: REST;
  private readonly context: InteractionContext;
  private readonly log: Log | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private handler: CommandHandler | null = null;
  private gateway: DiscordGateway | null = null;

  constructor(
    private readonly options: DiscordAdapterOptions,
    readonly mode: DiscordMode,
    private readonly token: string,
    private readonly publicKey: KeyObject | null,
  ) {
    this.rest = createDiscordRest({ token, apiUrl: options.apiUrl, maxRateLimitWaitMs: options.maxRateLimitWaitMs });
    this.context = { admins: new Set(options.admins ?? []) };
    this.log = options.log;
  }

  poster(channelId: string): Poster {
    return new DiscordPoster(this.rest, channelId);
  }

  edit(channelId: string, messageId: string, message: NewsMessage, card: CardFile | null): Promise<void> {
    return editDiscordMessage(this.rest, channelId, messageId, message, card);
  }

  delete(channelId: string, messageId: string): Promise<void> {
    return deleteDiscordMessage(this.rest, channelId, messageId);
  }

  /** Replaces the application's slash commands with `/news` and `/feeds` (in one server when `guildId` is given). */
  async registerCommands(applicationId: string, guildId?: string): Promise<void> {
    await registerDiscordCommands(this.rest, applicationId, guildId);
  }

  async start(handler: CommandHandler, options: ConnectionOptions = {}): Promise<void> {
    this.handler = handler;
    if (this.mode !== "gateway" || this.gateway) return;
    const gateway = new DiscordGateway({
      token: this.token,
      apiUrl: this.options.apiUrl ?? DEFAULT_DISCORD_API,
      context: this.context,
      onCommand: (invocation) => this.run(invocation),
      onClosedForGood: options.onConnectionLost,
      log: this.log,
    });
    await gateway.start();
    this.gateway = gateway;
  }

  /** Disconnects the gateway and waits for commands already running to send their replies. */
  async stop(): Promise<void> {
    const gateway = this.gateway;
    this.gateway = null;
    this.handler = null;
    await gateway?.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  httpRoutes(): Record<string, HttpHandler> {
    if (this.mode !== "http" || !this.publicKey) return {};
    const handler = discordInteractionsHandler({
      publicKey: this.publicKey,
      context: this.context,
      onCommand: (invocation) => this.run(invocation),
      maxBodyBytes: this.options.maxInteractionBytes,
      claimInteraction: this.options.claimInteraction,
      log: this.log,
    });
    return { [DISCORD_INTERACTIONS_ROUTE]: handler };
  }

  /** Runs a deferred command in the background; `stop` waits for it. */
  private run(invocation: CommandInvocation): void {
    // Deferred already: without a handler (before start, after stop) the user still gets an answer.
    const handler = this.handler ?? (async (request) => failureReply(request.locale));
    const work = answerCommand(this.rest, invocation, handler, this.log)
      .catch((error: unknown) => this.log?.error({ err: error }, "discord: answering a command failed"))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }
}

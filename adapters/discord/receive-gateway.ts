/**
 * Gateway mode: a discord.js connection that receives slash commands without a
 * public URL. It only needs the Guilds intent (no privileged intents), and
 * discord.js resumes and reconnects by itself. Everything after the
 * acknowledgement (reading the command, running it, the `@original` edit) is
 * the code the HTTP endpoint uses; this file only translates discord.js's
 * interaction object back into Discord's JSON shape.
 */
import {
  type ChatInputCommandInteraction,
  Client,
  type CommandInteractionOption,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  InteractionType,
  MessageFlags,
} from "discord.js";
import { AuthenticationError, NetworkError } from "../../src/errors.ts";
import type { Log } from "../../src/log.ts";
import {
  type CommandInvocation,
  type InteractionContext,
  type InteractionOption,
  parseInteraction,
} from "./command-request.ts";
import { unknownCommandText } from "./reply.ts";

export interface GatewayOptions {
  token: string;
  apiUrl: string;
  context: InteractionContext;
  /** Called once the interaction is deferred; must not throw. */
  onCommand: (invocation: CommandInvocation) => void;
  /** Called when the connection closed and discord.js will not reconnect (after `start` succeeded). */
  onClosedForGood?: ((reason: string) => void) | undefined;
  log?: Log | undefined;
}

/**
 * Close codes with which the gateway refuses the bot itself. discord.js rejects
 * `login` with a bare `Error` for them (no error code), so they are told apart
 * by the close code; retrying cannot help.
 */
const REFUSALS = new Map<number, string>([
  [GatewayCloseCodes.AuthenticationFailed, "authentication failed"],
  [GatewayCloseCodes.InvalidIntents, "invalid intents"],
  [GatewayCloseCodes.DisallowedIntents, "disallowed intents"],
]);

export class DiscordGateway {
  private readonly client: Client;
  /** The code of the last close discord.js will not recover from (set before `login` rejects). */
  private unrecoverableClose: number | null = null;

  constructor(private readonly options: GatewayOptions) {
    this.client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: options.apiUrl } });
    this.client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) void this.receive(interaction);
    });
    this.client.on(Events.Error, (error) => options.log?.error({ error: error.message }, "discord gateway error"));
    // discord.js emits this only for closes it will not recover from (it reconnects after the others).
    this.client.on(Events.ShardDisconnect, (event, shard) => {
      this.unrecoverableClose = event.code;
      options.log?.warn({ shard, code: event.code }, "discord gateway closed for good; discord.js will not reconnect");
      options.onClosedForGood?.(`gateway closed with ${event.code}`);
    });
  }

  async start(): Promise<void> {
    this.unrecoverableClose = null;
    try {
      await this.client.login(this.options.token);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const refusal = this.unrecoverableClose === null ? undefined : REFUSALS.get(this.unrecoverableClose);
      if (code === "TokenInvalid" || refusal !== undefined) {
        const reason = refusal === undefined ? String(code) : `${this.unrecoverableClose} ${refusal}`;
        throw new AuthenticationError(
          "discord",
          `the gateway refused to connect (${reason}); check DISCORD_TOKEN and the bot's intents`,
        );
      }
      throw new NetworkError("discord", `could not connect to the gateway: ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    await this.client.destroy();
  }

  private async receive(interaction: ChatInputCommandInteraction): Promise<void> {
    try {
      const parsed = parseInteraction(toPayload(interaction), this.options.context);
      if (parsed.kind === "unknown-command") {
        await interaction.reply({
          content: unknownCommandText(parsed.name, parsed.locale),
          flags: MessageFlags.Ephemeral,
        });
      } else if (parsed.kind === "command") {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        this.options.onCommand(parsed.invocation);
      }
    } catch (error) {
      this.options.log?.error(
        { error: (error as Error).message, command: interaction.commandName },
        "discord: could not take a command",
      );
    }
  }
}

/** The interaction as Discord's JSON, so it goes through the same checks as one from the HTTP endpoint. */
function toPayload(interaction: ChatInputCommandInteraction): unknown {
  const user = { id: interaction.user.id };
  return {
    id: interaction.id,
    application_id: interaction.applicationId,
    type: InteractionType.ApplicationCommand,
    token: interaction.token,
    locale: interaction.locale,
    channel_id: interaction.channelId,
    user,
    ...(interaction.memberPermissions
      ? { member: { user, permissions: interaction.memberPermissions.bitfield.toString() } }
      : {}),
    data: {
      name: interaction.commandName,
      type: interaction.commandType,
      options: interaction.options.data.map(toOption),
    },
  };
}

function toOption(option: CommandInteractionOption): InteractionOption {
  return {
    name: option.name,
    type: option.type,
    value: option.value,
    options: option.options?.map(toOption),
  };
}

/**
 * Reads a Discord interaction (the JSON Discord sends to the HTTP endpoint, or
 * the same shape rebuilt from a gateway event) into what Herald acts on: a
 * ping, a `/news` or `/feeds` {@link CommandRequest}, or something Herald does
 * not handle. Signed by Discord, but still checked field by field: a malformed
 * payload is refused with the field that is wrong, never half-used.
 */
import { ApplicationCommandOptionType, ApplicationCommandType, InteractionType } from "discord.js";
import { z } from "zod";
import type { CommandName, CommandRequest } from "../../src/chat/types.ts";
import { adminCheck } from "./admins.ts";

const snowflake = z.string().regex(/^\d{17,20}$/, "must be a snowflake (17–20 digits)");

/** A command option, possibly a subcommand holding its own options. */
export interface InteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  options?: InteractionOption[] | undefined;
}

const optionSchema: z.ZodType<InteractionOption> = z.lazy(() =>
  z.object({
    name: z.string().max(32),
    type: z.number().int(),
    value: z.union([z.string().max(6000), z.number(), z.boolean()]).optional(),
    options: z.array(optionSchema).max(25).optional(),
  }),
);

const interactionSchema = z.object({
  id: snowflake,
  application_id: snowflake,
  type: z.number().int(),
  token: z.string().min(1).max(500),
  locale: z.string().max(20).optional(),
  channel_id: snowflake.optional(),
  channel: z.object({ id: snowflake }).optional(),
  member: z
    .object({
      user: z.object({ id: snowflake }),
      // The member's permissions in this channel, a decimal bitfield as a string.
      permissions: z.string().regex(/^\d{1,40}$/, "must be a decimal permission bitfield"),
    })
    .optional(),
  user: z.object({ id: snowflake }).optional(),
  data: z
    .object({
      name: z.string().max(32),
      type: z.number().int().optional(),
      options: z.array(optionSchema).max(25).optional(),
    })
    .optional(),
});

/** The interaction fields Herald reads. */
export type InteractionPayload = z.infer<typeof interactionSchema>;

/** A command to run, with what is needed to answer it (the token is a secret: never log it). */
export interface CommandInvocation {
  interactionId: string;
  applicationId: string;
  token: string;
  request: CommandRequest;
}

export type ParsedInteraction =
  | { kind: "ping" }
  | { kind: "command"; invocation: CommandInvocation }
  /** A slash command Herald does not have (left over from an older registration). */
  | { kind: "unknown-command"; name: string; locale: string | null }
  /** Autocomplete, buttons, modals: Herald registers none. */
  | { kind: "unsupported"; type: number };

/** A payload that is not a well-formed interaction; the message names the field. */
export class InteractionPayloadError extends Error {
  override name = "InteractionPayloadError";
}

export interface InteractionContext {
  /** Users who are admins whatever their server permissions (Discord user ids, `discord.admins`). */
  admins?: ReadonlySet<string>;
}

const COMMANDS: readonly CommandName[] = ["news", "feeds"];

/** Checks `raw` and tells what it asks of Herald. Throws {@link InteractionPayloadError}. */
export function parseInteraction(raw: unknown, context: InteractionContext = {}): ParsedInteraction {
  const type = typeof raw === "object" && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (type === InteractionType.Ping) return { kind: "ping" };
  const parsed = interactionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join(".") : "(body)";
    throw new InteractionPayloadError(`interaction.${path}: ${issue?.message ?? "invalid"}`);
  }
  const interaction = parsed.data;
  if (interaction.type !== InteractionType.ApplicationCommand) return { kind: "unsupported", type: interaction.type };
  const data = interaction.data;
  if (!data) throw new InteractionPayloadError("interaction.data: an application command interaction needs data");
  if (data.type !== undefined && data.type !== ApplicationCommandType.ChatInput) {
    return { kind: "unsupported", type: interaction.type };
  }
  const locale = interaction.locale ?? null;
  if (!(COMMANDS as readonly string[]).includes(data.name)) return { kind: "unknown-command", name: data.name, locale };
  return {
    kind: "command",
    invocation: {
      interactionId: interaction.id,
      applicationId: interaction.application_id,
      token: interaction.token,
      request: toRequest(interaction, data.name as CommandName, context),
    },
  };
}

function toRequest(interaction: InteractionPayload, command: CommandName, context: InteractionContext): CommandRequest {
  const userId = interaction.member?.user.id ?? interaction.user?.id;
  if (!userId) throw new InteractionPayloadError("interaction.member.user.id: the interaction names no user");
  const channelId = interaction.channel_id ?? interaction.channel?.id;
  if (!channelId) throw new InteractionPayloadError("interaction.channel_id: the interaction names no channel");
  const { subcommand, options } = splitOptions(interaction.data?.options ?? []);
  const permissions = interaction.member?.permissions ?? null;
  return {
    platform: "discord",
    command,
    subcommand,
    options,
    channelId,
    userId,
    locale: interaction.locale ?? null,
    isAdmin: adminCheck(userId, context.admins, permissions),
  };
}

/** `/news search query:x` arrives as one SUB_COMMAND option holding the `query` option. */
function splitOptions(options: InteractionOption[]): { subcommand: string | null; options: Record<string, string> } {
  const first = options[0];
  const isSub = first?.type === ApplicationCommandOptionType.Subcommand;
  const values: Record<string, string> = {};
  for (const option of isSub ? (first.options ?? []) : options) {
    if (option.value !== undefined) values[option.name] = String(option.value);
  }
  return { subcommand: isSub ? first.name : null, options: values };
}

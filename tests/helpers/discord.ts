import { type KeyObject, randomBytes, sign } from "node:crypto";
import { fakeSnowflake } from "../fakes/discord/server.ts";

/** The 32-byte raw Ed25519 public key in hex, as the Developer Portal shows an application's Public Key. */
export const publicKeyHex = (publicKey: KeyObject) =>
  publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");

/** Signs interaction bodies the way Discord does: Ed25519 over timestamp + body. */
export function ed25519Signer(privateKey: KeyObject) {
  return (body: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return {
      "x-signature-ed25519": sign(null, Buffer.from(`${timestamp}${body}`), privateKey).toString("hex"),
      "x-signature-timestamp": timestamp,
    };
  };
}

export interface CommandShape {
  command: string;
  subcommand: string;
  options?: Record<string, string>;
  channelId: string;
  /** Member permission bits: "32" is Manage Server, "2048" Send Messages only. */
  permissions: string;
  locale?: string;
}

/** A CHAT_INPUT interaction as Discord sends it from a server channel; `count` travels as an integer. */
export function discordCommandInteraction(shape: CommandShape) {
  const user = { id: "1270000000000000888", username: "reader", discriminator: "0" };
  return {
    id: fakeSnowflake(),
    application_id: "1240000000000000888",
    type: 2,
    token: `aW50ZXJhY3Rpb246${randomBytes(24).toString("base64url")}`,
    version: 1,
    locale: shape.locale ?? "en-US",
    guild_id: "1250000000000000888",
    channel_id: shape.channelId,
    channel: { id: shape.channelId, type: 0 },
    member: { user, roles: [], permissions: shape.permissions, joined_at: "2024-01-01T00:00:00.000Z" },
    data: {
      id: fakeSnowflake(),
      name: shape.command,
      type: 1,
      options: [
        {
          name: shape.subcommand,
          type: 1,
          options: Object.entries(shape.options ?? {}).map(([name, value]) => ({
            name,
            type: name === "count" ? 4 : 3,
            value: name === "count" ? Number(value) : value,
          })),
        },
      ],
    },
  };
}

/** A command interaction as the gateway dispatches it (INTERACTION_CREATE carries a few more fields than the HTTP body). */
export function gatewayCommandInteraction(shape: CommandShape) {
  const interaction = discordCommandInteraction(shape);
  return {
    ...interaction,
    entitlements: [],
    authorizing_integration_owners: { "0": interaction.guild_id },
    context: 0,
    attachment_size_limit: 10_485_760,
  };
}

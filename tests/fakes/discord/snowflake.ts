/**
 * Snowflake-shaped ids, so clients that parse ids (e.g. @discordjs/rest reads the
 * timestamp out of a message id, and only treats 17–19 digit path segments as
 * major parameters) behave as they do against Discord.
 */

const DISCORD_EPOCH_MS = 1_420_070_400_000n;
const SNOWFLAKE = /^\d{17,20}$/;

let increment = 0n;

/** A new snowflake for "now": timestamp in the top bits, a rolling 12-bit counter at the bottom. */
export function fakeSnowflake(now = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(now) - DISCORD_EPOCH_MS) << 22n) | (1n << 17n) | increment).toString();
}

export function isSnowflake(value: string): boolean {
  return SNOWFLAKE.test(value);
}

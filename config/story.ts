import { z } from "zod";
import { SEVERITIES } from "../src/story/index.ts";
import { parseDuration } from "./duration.ts";

/** The update modes a destination can choose; `delivery.updates` sets the default for all of them. */
export const updateModes = z.enum(["story", "edit", "thread", "post"]);

/**
 * A destination's developing-story keys (src/story/policy.ts). All optional: unset, a destination
 * follows `delivery.updates` (default `story`, which does what its platform allows), marks retractions,
 * mentions nobody, sends thread updates silently, and never crossposts.
 */
export const storyDestinationKeys = {
  updates: updateModes.optional(),
  retractions: z.enum(["mark", "delete"]).default("mark"),
  /** The only mentions Herald ever sends, chosen by the destination's admins: "<@&123>", "<!here>", "@channel". */
  mention: z
    .strictObject({
      breaking: z.string().trim().min(1, "must not be empty; leave it out for no mention").optional(),
      normal: z.string().trim().min(1, "must not be empty; leave it out for no mention").optional(),
    })
    .default({}),
  silent: z.array(z.enum(SEVERITIES)).default(["minor"]),
  crosspost: z.enum(["breaking", "never"]).default("never"),
};

/** Title prefixes that make a feed's post breaking (plain text, case-insensitive), instead of the defaults. */
export const breakingPrefixes = z
  .array(z.string().trim().min(1, "a breaking prefix must not be empty"))
  .max(50)
  .optional();

/**
 * `delivery.coalesce`: `30s`, `2m`…, or `0`/`0s`/`off` for none (each version goes out at once).
 * A number is milliseconds (a parsed config written back out).
 */
export const coalesceWindow = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
    if (typeof value === "string" && /^\s*(0+(\.0+)?\s*(ms|s|m|h)?|off)\s*$/i.test(value)) return 0;
    const ms = typeof value === "string" ? parseDuration(value) : null;
    if (ms !== null) return ms;
    ctx.addIssue({ code: "custom", message: `'${value}' is not a window (use e.g. 30s, 2m, or 0s for none)` });
    return z.NEVER;
  })
  .default(30_000);

import type { CommandContext } from "./types.ts";

/**
 * Tells the scheduler the feeds changed. The change is stored either way, so
 * a scheduler failure is logged for the operator rather than reported to
 * the admin as if the command had failed.
 */
export async function notifyFeedsChanged(ctx: CommandContext, feedId: string): Promise<void> {
  try {
    await ctx.services.onFeedsChanged();
  } catch (error) {
    ctx.services.log?.error({ err: error, feedId }, "onFeedsChanged failed after a /feeds command");
  }
}

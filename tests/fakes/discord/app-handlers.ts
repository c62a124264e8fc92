/** Application command bulk overwrites and `GET /gateway/bot`. */
import { overwriteCommands } from "./commands.ts";
import { parseJsonBody } from "./multipart.ts";
import { param, type RequestContext, type RouteHandler } from "./state.ts";

export const overwriteGlobalCommands: RouteHandler = async (ctx, state) => overwrite(ctx, state, null);

export const overwriteGuildCommands: RouteHandler = async (ctx, state) => overwrite(ctx, state, param(ctx, "guild"));

function overwrite(ctx: RequestContext, state: Parameters<RouteHandler>[1], guildId: string | null) {
  const applicationId = param(ctx, "application");
  const commands = overwriteCommands(parseJsonBody(ctx.contentType, ctx.raw), applicationId, guildId);
  state.commandSets.push({ applicationId, guildId, commands, receivedAt: Date.now() });
  return { status: 200, json: commands };
}

/** Enough of Get Gateway Bot for a client's startup: the attached gateway fake's URL, else Discord's. */
export const getGatewayBot: RouteHandler = async (_ctx, state) => ({
  status: 200,
  json: {
    url: state.gatewayUrl,
    shards: 1,
    session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
  },
});

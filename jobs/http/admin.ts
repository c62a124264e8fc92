import type { IncomingMessage } from "node:http";
import type { Queue } from "bullmq";
import type { HeraldConfig } from "../../config/schema.ts";
import { basicUserValid, bearerValid } from "../../src/auth.ts";
import { HttpError } from "./body.ts";
import type { HttpGuard } from "./guard.ts";
import { queueBoardRoute } from "./queue-board.ts";
import type { RouteTable } from "./server.ts";

/** Where the queue dashboard is served. */
export const QUEUE_BOARD_PATH = "/admin/queues";
/** Every method the dashboard's UI and API use. */
const BOARD_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * The queue dashboard, behind `admin.token` (bearer) or `admin.users` (HTTP
 * Basic, what a browser asks for); no routes at all when neither is set.
 * Failed logins count against the guard's per-IP budget, so passwords cannot
 * be guessed at speed.
 */
export function adminRoutes(admin: HeraldConfig["admin"], queues: readonly Queue[], guard: HttpGuard): RouteTable {
  if (admin.token === undefined && admin.users.length === 0) return {};
  const board = queueBoardRoute(queues, QUEUE_BOARD_PATH);
  const route = guard.authenticating(async (req, res, params) => {
    requireAdmin(req, admin);
    await board(req, res, params);
  });
  return Object.fromEntries(BOARD_METHODS.map((method) => [`${method} ${QUEUE_BOARD_PATH}/*`, route]));
}

function requireAdmin(req: IncomingMessage, admin: HeraldConfig["admin"]): void {
  const authorization = req.headers.authorization;
  if (admin.token !== undefined && bearerValid(authorization, admin.token)) return;
  if (basicUserValid(authorization, admin.users) !== null) return;
  // The reason names no credential: it is logged.
  throw new HttpError(
    401,
    authorization ? "wrong admin credentials" : "admin credentials required (HTTP Basic or Authorization: Bearer)",
    {
      "www-authenticate": 'Basic realm="herald"',
    },
  );
}

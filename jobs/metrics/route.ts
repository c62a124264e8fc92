import { bearerValid } from "../../src/auth.ts";
import type { Fleet } from "../fleet/fleet.ts";
import { HttpError } from "../http/body.ts";
import type { HttpGuard } from "../http/guard.ts";
import type { RouteTable } from "../http/server.ts";
import type { Runtime } from "../runtime.ts";

/**
 * `GET /metrics`: this process's series in Prometheus text format. With
 * `metrics.token` set, only `Authorization: Bearer <token>` gets them
 * (compared in constant time); wrong tokens count against the caller's IP
 * like any other failed authentication.
 */
export function metricsRoutes(runtime: Runtime, guard: HttpGuard, fleet: Fleet): RouteTable {
  const { metrics, config } = runtime;
  metrics.collectProcessMetrics();
  metrics.watchDuties(() => fleet.duties());
  return {
    "GET /metrics": guard.authenticating(async (req, res) => {
      const token = config.metrics.token;
      if (token !== undefined && !bearerValid(req.headers.authorization, token)) {
        throw new HttpError(
          401,
          req.headers.authorization ? "wrong metrics token" : "metrics need Authorization: Bearer <metrics.token>",
          { "www-authenticate": "Bearer" },
        );
      }
      const { contentType, body } = await metrics.exposition();
      res.writeHead(200, {
        "content-type": contentType,
        "content-length": Buffer.byteLength(body),
        "cache-control": "no-store",
      });
      res.end(body);
    }),
  };
}

import type { AddressInfo } from "node:net";
import { closeServer, startHttpServer } from "../../jobs/http/server.ts";
import { webRoute } from "../../jobs/http/web.ts";
import type { HttpHandler } from "../../src/adapter.ts";
import { silentLog } from "../../src/log.ts";

export interface MountedRoutes {
  /** "http://127.0.0.1:PORT", without a trailing slash. */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * An adapter's `httpRoutes()` on Herald's own HTTP server (jobs/http/server.ts),
 * each web handler adapted to node:http as jobs/service.ts mounts it, without the guard.
 */
export async function serveAdapterRoutes(routes: Record<string, HttpHandler>): Promise<MountedRoutes> {
  const table = Object.fromEntries(Object.entries(routes).map(([key, handler]) => [key, webRoute(handler)]));
  const server = await startHttpServer(table, "127.0.0.1", 0, silentLog);
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

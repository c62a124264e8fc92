import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BodyAbortedError } from "../../adapters/shared/request-body.ts";
import type { Log } from "../../src/log.ts";
import { closeUnlessBodyRead, HttpError } from "./body.ts";

export type Route = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void>;

export interface RouteTable {
  [methodAndPattern: string]: Route;
}

/**
 * A small router on node:http. Routes are `"POST /ingest/:id"` patterns; a
 * pattern ending in `/*` (`"GET /admin/queues/*"`) also takes every path below
 * it, for an app mounted there that routes the rest itself.
 * Errors become JSON `{ error }` answers with their status; anything
 * unexpected is a 500 that names no internals. A client hanging up mid-body
 * is logged at debug: it is routine, and floods of it must not flood the log.
 */
export function startHttpServer(
  routes: RouteTable | (() => RouteTable),
  host: string,
  port: number,
  log: Log,
): Promise<Server> {
  // A function lets the port be bound before every route exists (bots add theirs once started).
  const current = typeof routes === "function" ? routes : () => routes;
  let table: RouteTable | null = null;
  let compiled: ReturnType<typeof compileRoutes> = [];
  const server = createServer(async (req, res) => {
    // A body left unread (refused before or while reading it) is not drained: the connection is closed after the answer.
    closeUnlessBodyRead(req, res);
    let path = "/";
    try {
      const latest = current();
      if (latest !== table) [table, compiled] = [latest, compileRoutes(latest)];
      path = requestPath(req.url ?? "/");
      const matches = compiled.filter((r) => r.regex.test(path));
      const route = matches.find((r) => r.method === req.method);
      if (!route)
        throw new HttpError(
          matches.length ? 405 : 404,
          matches.length ? `${req.method} not allowed on ${path}` : `no route ${path}`,
        );
      const params = (route.regex.exec(path) ?? []).slice(1).map(decodePathSegment);
      await route.handler(req, res, params);
    } catch (error) {
      if (error instanceof BodyAbortedError) {
        // The client is gone: nobody to answer, nothing wrong on our side.
        log.debug({ path, reason: error.message }, "request aborted by the client");
        res.destroy();
        return;
      }
      const status = error instanceof HttpError ? error.status : 500;
      if (status >= 500 && status !== 503) log.error({ path, err: (error as Error).message }, "request failed");
      else if (status === 429 || status === 503)
        log.debug({ path, status, reason: (error as Error).message }, "request shed");
      else log.info({ path, status, reason: (error as Error).message }, "request refused");
      if (!res.headersSent) {
        const headers = error instanceof HttpError ? error.headers : {};
        sendJson(
          res,
          status,
          { error: status >= 500 && status !== 503 ? "internal error" : (error as Error).message },
          headers,
        );
      } else res.destroy();
    }
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { address, port: bound } = server.address() as AddressInfo;
      log.info({ address, port: bound }, "http server listening");
      resolve(server);
    });
  });
}

function compileRoutes(routes: RouteTable) {
  return Object.entries(routes).map(([key, handler]) => {
    const [method, pattern] = key.split(" ") as [string, string];
    const regex = new RegExp(`^${pattern.replace(/:[a-z]+/gi, "([^/]+)").replace(/\/\*$/, "(?:/.*)?")}/?$`);
    return { method, regex, handler };
  });
}

function requestPath(target: string): string {
  try {
    return new URL(target, "http://localhost").pathname;
  } catch {
    throw new HttpError(400, `malformed request target '${target.slice(0, 80)}'`);
  }
}

/** A route parameter, %-decoded; a malformed escape is the caller's mistake (400), not ours. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed %-escape in path segment '${segment.slice(0, 80)}'`);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/**
 * node:http ↔ web-standard HTTP, in one place. Adapters receive requests as
 * `(request: Request) => Promise<Response>` (src/adapter.ts `HttpHandler`);
 * Herald's server is node:http, and this file turns one into the other.
 *
 * The request body is streamed, not buffered (body.ts `NodeRequestBody`):
 * bytes are read from the socket only as the handler reads the body, so a
 * handler that refuses on headers reads nothing and one that stops at its
 * byte limit (adapters/shared/request-body.ts) stops the socket reads there too.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BodyAbortedError } from "../../adapters/shared/request-body.ts";
import type { HttpHandler } from "../../src/adapter.ts";
import { closeUnlessBodyRead, HttpError, NodeRequestBody } from "./body.ts";
import type { Route } from "./server.ts";

/**
 * Serves a web handler as a node:http route. A client that hangs up before
 * its body arrived rejects with {@link BodyAbortedError} (the server logs it
 * quietly and answers nobody), whatever the handler made of it; one that
 * hangs up later aborts `request.signal`.
 */
export function webRoute(handler: HttpHandler): Route {
  return async (req, res) => {
    // A body left unread (refused on its headers or past its limit) is not drained: the connection is closed after the answer.
    closeUnlessBodyRead(req, res);
    const body = hasBody(req) ? new NodeRequestBody(req) : null;
    try {
      const request = toWebRequest(req, res, body);
      let response: Response;
      try {
        response = await handler(request);
      } catch (error) {
        throw body?.aborted ?? error;
      }
      if (body?.aborted) {
        response.body?.cancel().catch(() => {});
        throw body.aborted;
      }
      await sendWebResponse(response, res, request.signal);
    } finally {
      body?.release();
    }
  };
}

/**
 * The web Request for a node:http request; its body (`body`, for methods
 * that have one) streams from `req` as it is read. Its signal aborts when
 * the client goes away before the answer is out.
 */
function toWebRequest(req: IncomingMessage, res: ServerResponse, body: NodeRequestBody | null): Request {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new BodyAbortedError("client closed the connection"));
  });
  return new Request(requestUrl(req), {
    method: req.method ?? "GET",
    headers: requestHeaders(req),
    signal: controller.signal,
    ...(body ? { body: body.stream, duplex: "half" } : {}),
  } as RequestInit);
}

function hasBody(req: IncomingMessage): boolean {
  return req.method !== "GET" && req.method !== "HEAD";
}

/**
 * Writes a web Response to node:http, streaming its body. A client that is
 * gone (`clientGone` aborted) before or while it is written ends the write
 * quietly: there is nobody to tell.
 */
async function sendWebResponse(response: Response, res: ServerResponse, clientGone: AbortSignal): Promise<void> {
  if (clientGone.aborted) {
    response.body?.cancel().catch(() => {});
    return;
  }
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  try {
    await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res);
  } catch (error) {
    if (!clientGone.aborted) throw error;
  }
}

/** The request's absolute URL. The Host header is the client's word: one that does not parse is replaced. */
function requestUrl(req: IncomingMessage): string {
  const target = req.url ?? "/";
  try {
    return new URL(target, `http://${req.headers.host ?? "localhost"}`).href;
  } catch {
    try {
      return new URL(target, "http://localhost").href;
    } catch {
      throw new HttpError(400, `malformed request target '${target.slice(0, 80)}'`);
    }
  }
}

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    // HTTP/2 pseudo-headers never reach node:http/1.1; anything Headers refuses is the client's mistake.
    try {
      headers.append(name, raw[i + 1] as string);
    } catch {
      throw new HttpError(400, `malformed header '${name.slice(0, 40)}'`);
    }
  }
  return headers;
}

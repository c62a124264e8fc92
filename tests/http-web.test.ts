/**
 * jobs/http/web.ts on Herald's real node:http server: the adapters' web
 * handlers get a Request whose body streams from the socket as they read it
 * (never buffered ahead of them), a byte limit stops the reading where it
 * is passed, a client that hangs up mid-body ends the request quietly, and
 * the handler's Response reaches the client as it was made.
 */
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BodyAbortedError, BodyTooLargeError, readRequestBody } from "../adapters/shared/request-body.ts";
import { closeServer, startHttpServer } from "../jobs/http/server.ts";
import { webRoute } from "../jobs/http/web.ts";
import type { HttpHandler } from "../src/adapter.ts";
import { type LogLevel, recordingLog } from "./helpers/log.ts";
import { streamRequest } from "./helpers/raw-http.ts";
import { waitFor } from "./helpers/wait.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A promise and its resolve (Node 20 has no Promise.withResolvers). */
function settled<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

interface Served {
  port: number;
  logged: { level: LogLevel; message: string; fields: Record<string, unknown> }[];
}

/** `handler` as `POST /hook`, mounted the way jobs/service.ts mounts an adapter's route. */
async function serve(handler: HttpHandler): Promise<Served> {
  const logged: Served["logged"] = [];
  const log = recordingLog((level, fields, message) => logged.push({ level, fields, message }));
  const server = await startHttpServer({ "POST /hook": webRoute(handler) }, "127.0.0.1", 0, log);
  cleanups.push(() => closeServer(server));
  return { port: (server.address() as AddressInfo).port, logged };
}

/** A chunked POST whose body the test writes piece by piece. */
function openUpload(port: number, headers: Record<string, string> = {}) {
  const req = httpRequest({ port, host: "127.0.0.1", method: "POST", path: "/hook", headers });
  req.on("error", () => {});
  const answer = new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.once("error", reject);
  });
  answer.catch(() => {});
  return { req, answer };
}

describe("web handlers on node:http (jobs/http/web.ts)", () => {
  it("streams the body: the handler reads the first part while the client has not sent the rest", async () => {
    const firstRead = settled<string>();
    const { port } = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      const first = await reader.read();
      firstRead.resolve(decoder.decode(first.value));
      let text = decoder.decode(first.value, { stream: true });
      for (let next = await reader.read(); !next.done; next = await reader.read())
        text += decoder.decode(next.value, { stream: true });
      return Response.json({ text, method: request.method, url: new URL(request.url).pathname });
    });
    const { req, answer } = openUpload(port, { "content-type": "text/plain" });
    req.write("first part, ");
    // The rest is only written once the handler has read the first part: nothing waits for the whole body.
    expect(await firstRead.promise).toBe("first part, ");
    req.end("then the rest");
    expect(JSON.parse((await answer).body)).toEqual({
      text: "first part, then the rest",
      method: "POST",
      url: "/hook",
    });
  });

  it("stops reading the socket at the handler's byte limit: an endless body gets 413 after little more than the limit, a declared one at once", async () => {
    const { port } = await serve(async (request) => {
      try {
        await readRequestBody(request, 64 * KiB);
        return new Response("read it all", { status: 200 });
      } catch (error) {
        if (error instanceof BodyTooLargeError) return new Response("too large", { status: 413 });
        throw error;
      }
    });
    // Paced, so that what the client managed to write tracks what the server read.
    const answer = await streamRequest({ port, path: "/hook", totalBytes: 64 * MiB, paceMs: 1, timeoutMs: 30_000 });
    expect(answer.status).toBe(413);
    expect(answer.written).toBeLessThan(2 * MiB);
    // A declared Content-Length over the limit is refused before a byte is read.
    const declared = await streamRequest({ port, path: "/hook", totalBytes: 64 * MiB, declareLength: true, paceMs: 1 });
    expect(declared.status).toBe(413);
    expect(declared.written).toBeLessThan(2 * MiB);
  });

  it("reads nothing of a body the handler refuses on its headers", async () => {
    const { port } = await serve(async (request) =>
      request.headers.get("x-secret") ? new Response("ok") : new Response("no secret", { status: 401 }),
    );
    const answer = await streamRequest({ port, path: "/hook", totalBytes: 64 * MiB, paceMs: 1, timeoutMs: 30_000 });
    expect(answer.status).toBe(401);
    expect(answer.written).toBeLessThan(2 * MiB);
  });

  it("ends a request whose client hangs up mid-body quietly: the handler's read rejects with BodyAbortedError, the server logs it at debug only", async () => {
    const seen = settled<{ error: unknown; aborted: boolean }>();
    const gotFirst = settled<void>();
    const { port, logged } = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      gotFirst.resolve();
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) {}
        seen.resolve({ error: null, aborted: request.signal.aborted });
      } catch (error) {
        await waitFor(() => request.signal.aborted, 5000, "request.signal aborted");
        seen.resolve({ error, aborted: request.signal.aborted });
        // A handler that answers anyway: nobody is left to read it, and the server does not try.
        return new Response("too late", { status: 400 });
      }
      return new Response("complete");
    });
    const { req, answer } = openUpload(port);
    req.write("part of a body");
    await gotFirst.promise;
    req.destroy();
    const { error, aborted } = await seen.promise;
    expect(error).toBeInstanceOf(BodyAbortedError);
    expect(aborted).toBe(true);
    await expect(answer).rejects.toThrow();
    await waitFor(() => logged.some((l) => l.message === "request aborted by the client"), 5000, "the abort logged");
    expect(logged.filter((l) => l.level !== "debug" && l.message !== "http server listening")).toEqual([]);
    expect(logged.find((l) => l.message === "request aborted by the client")).toMatchObject({
      level: "debug",
      fields: { path: "/hook" },
    });
  });

  it("aborts request.signal when the client leaves before the answer, and drops the answer quietly", async () => {
    const cancelled = settled<void>();
    const bodyRead = settled<void>();
    const { port, logged } = await serve(async (request) => {
      await readRequestBody(request, KiB);
      bodyRead.resolve();
      await waitFor(() => request.signal.aborted, 5000, "request.signal aborted");
      // An answer with a body nobody will read: it is cancelled, not written.
      return new Response(new ReadableStream({ cancel: () => cancelled.resolve() }), { status: 200 });
    });
    const { req, answer } = openUpload(port);
    req.end("the whole body");
    await bodyRead.promise;
    req.destroy();
    await expect(answer).rejects.toThrow();
    await cancelled.promise;
    expect(logged.filter((l) => l.message !== "http server listening")).toEqual([]);
  });

  it("sends the Response as made: status, headers (each Set-Cookie its own), and a streamed body", async () => {
    const { port } = await serve(async () => {
      const parts = ["one ", "two ", "three"];
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const part = parts.shift();
          if (part === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(part));
        },
      });
      const headers = new Headers({ "content-type": "text/plain; charset=utf-8", "retry-after": "5" });
      headers.append("set-cookie", "a=1");
      headers.append("set-cookie", "b=2");
      return new Response(body, { status: 503, headers });
    });
    const { req, answer } = openUpload(port);
    req.end("x");
    const got = await answer;
    expect(got).toMatchObject({ status: 503, body: "one two three" });
    expect(got.headers).toMatchObject({
      "content-type": "text/plain; charset=utf-8",
      "retry-after": "5",
      "set-cookie": ["a=1", "b=2"],
    });
  });

  it("turns a handler that throws into Herald's 500 that names no internals, logged as an error", async () => {
    const { port, logged } = await serve(async () => {
      throw new Error("secret internals");
    });
    const response = await fetch(`http://127.0.0.1:${port}/hook`, { method: "POST", body: "x" });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "internal error" });
    expect(logged).toContainEqual(expect.objectContaining({ level: "error", message: "request failed" }));
  });
});

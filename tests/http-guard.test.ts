/**
 * HttpGuard on its own, on a real node:http server: the unauthenticated-read
 * cap and its timeout for slow senders, and the per-address failure budget,
 * whose table forgets an address after its minute and never grows past its bound.
 */
import type { IncomingMessage, Server } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readBody } from "../jobs/http/body.ts";
import { HttpGuard } from "../jobs/http/guard.ts";
import { FloodReclaimer } from "../jobs/http/reclaim.ts";
import { type Route, sendJson, startHttpServer } from "../jobs/http/server.ts";
import { webRoute } from "../jobs/http/web.ts";
import { silentLog, waitFor } from "./helpers/pipeline.ts";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r));
});

async function serve(guard: HttpGuard, route: Route): Promise<number> {
  const server = await startHttpServer({ "POST /signed": guard.signedBody(route) }, "127.0.0.1", 0, silentLog);
  servers.push(server);
  return (server.address() as { port: number }).port;
}

const fakeRequest = (ip: string) => ({ socket: { remoteAddress: ip }, complete: true }) as unknown as IncomingMessage;

describe("HttpGuard", () => {
  it("gives out at most maxUnauthenticated slots, answers 503 with Retry-After past them, and takes each back once", () => {
    const guard = new HttpGuard({ maxUnauthenticated: 2, authFailuresPerMinute: 5 });
    const first = guard.holdUnauthenticatedSlot(fakeRequest("a"));
    guard.holdUnauthenticatedSlot(fakeRequest("a"));
    expect(() => guard.holdUnauthenticatedSlot(fakeRequest("a"))).toThrow(
      expect.objectContaining({ status: 503, headers: { "retry-after": "1" } }),
    );
    first();
    first();
    expect(guard.unauthenticatedInFlight).toBe(1);
    expect(() => guard.holdUnauthenticatedSlot(fakeRequest("a"))).not.toThrow();
  });

  it("cuts off a signed body that has not arrived whole within unauthenticatedReadMs, freeing its slot", async () => {
    const guard = new HttpGuard({ maxUnauthenticated: 1, authFailuresPerMinute: 5, unauthenticatedReadMs: 300 });
    const port = await serve(
      guard,
      webRoute(async (request) => Response.json({ size: (await readBody(request, 1024)).length })),
    );
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write("POST /signed HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nslow");
    const closed = await new Promise<boolean>((resolve) => {
      socket.once("close", () => resolve(true));
      setTimeout(() => resolve(false), 10_000).unref();
    });
    expect(closed).toBe(true);
    await waitFor(() => guard.unauthenticatedInFlight === 0, 5000, "the slot given back");
    const res = await fetch(`http://127.0.0.1:${port}/signed`, { method: "POST", body: "whole" });
    expect(await res.json()).toEqual({ size: 5 });
  });

  it("counts 401s per address, answers 429 past the budget until the minute is over, and keeps at most maxTrackedIps addresses", async () => {
    let now = 0;
    const guard = new HttpGuard({ maxUnauthenticated: 4, authFailuresPerMinute: 2, maxTrackedIps: 3, now: () => now });
    const port = await serve(guard, async (_req, res) => sendJson(res, 401, { error: "no" }));
    const call = () => fetch(`http://127.0.0.1:${port}/signed`, { method: "POST", body: "x" });
    expect((await call()).status).toBe(401);
    expect((await call()).status).toBe(401);
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    now = 30_000;
    expect((await call()).headers.get("retry-after")).toBe("30");
    now = 60_000;
    expect((await call()).status).toBe(401);

    // Other addresses, through the route wrapper directly: the oldest is forgotten when the table is full.
    const table = guard as unknown as { failures: Map<string, unknown> };
    const route = guard.authenticating(async () => {});
    for (const ip of ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]) {
      const res = { statusCode: 401, once: (_: string, done: () => void) => done() };
      await route({ socket: { remoteAddress: ip } } as never, res as never, []);
    }
    expect(table.failures.size).toBe(3);
    expect([...table.failures.keys()]).toEqual(["10.0.0.2", "10.0.0.3", "10.0.0.4"]);
  });
});

describe("FloodReclaimer", () => {
  it("collects once, a second after a burst of 200 refusals goes quiet, and not for fewer", async () => {
    let collections = 0;
    const reclaimer = new FloodReclaimer(() => collections++);
    for (let i = 0; i < 199; i++) reclaimer.note();
    await new Promise((r) => setTimeout(r, 1300));
    expect(collections).toBe(0);
    reclaimer.note();
    for (let i = 0; i < 50; i++) reclaimer.note();
    await waitFor(() => collections === 1, 5000, "one collection");
    await new Promise((r) => setTimeout(r, 1300));
    expect(collections).toBe(1);
  });
});

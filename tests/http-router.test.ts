import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { closeServer, sendJson, startHttpServer } from "../jobs/http/server.ts";
import { silentLog } from "./helpers/pipeline.ts";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await closeServer(server);
});

describe("Herald's HTTP router", () => {
  it("gives a route ending in /* its own path and every path below it, but not a sibling that shares its prefix", async () => {
    const server = await startHttpServer(
      {
        "GET /mounted/*": async (req, res) => sendJson(res, 200, { mounted: req.url }),
        "GET /mounted-exact": async (_req, res) => sendJson(res, 200, { exact: true }),
      },
      "127.0.0.1",
      0,
      silentLog,
    );
    servers.push(server);
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    for (const path of [
      "/mounted",
      "/mounted/",
      "/mounted/a",
      "/mounted/a/b.js?x=1",
      "/mounted/api/queues/deliver/a.v1.d/retry",
    ]) {
      const answer = await fetch(base + path);
      expect(answer.status, path).toBe(200);
      expect(await answer.json()).toEqual({ mounted: path });
    }
    expect(await (await fetch(`${base}/mounted-exact`)).json()).toEqual({ exact: true });
    expect((await fetch(`${base}/mountedx`)).status).toBe(404);
    expect((await fetch(`${base}/mounted/a`, { method: "PUT" })).status).toBe(405);
  });
});

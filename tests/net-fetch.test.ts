/**
 * fetchFeed against real HTTP servers on 127.0.0.1. Loopback is what the
 * SSRF guard blocks by default, so the positive cases pass allowPrivate.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { FetchError, fetchFeed } from "../src/net/fetch.ts";
import { UnsafeUrlError } from "../src/net/ssrf.ts";
import { type LoopbackServer, startLoopbackServer } from "./fakes/http.ts";

const RSS = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>속보</title></channel></rss>';
const servers: LoopbackServer[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const server = await startLoopbackServer(handler);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe("conditional GET", () => {
  it("returns the body with validators, then 304 with no body when they still match", async () => {
    const seen: {
      ifNoneMatch?: string | undefined;
      ifModifiedSince?: string | undefined;
      userAgent?: string | undefined;
    }[] = [];
    const server = await serve((req, res) => {
      seen.push({
        ifNoneMatch: req.headers["if-none-match"],
        ifModifiedSince: req.headers["if-modified-since"],
        userAgent: req.headers["user-agent"],
      });
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        res.end();
        return;
      }
      res.writeHead(200, {
        "content-type": "application/rss+xml; charset=utf-8",
        etag: '"v1"',
        "last-modified": "Wed, 14 Oct 2026 07:40:00 GMT",
      });
      res.end(RSS);
    });

    const first = await fetchFeed(`${server.baseUrl}/feed.xml`, { allowPrivate: true });
    expect(first).toMatchObject({
      status: 200,
      etag: '"v1"',
      lastModified: "Wed, 14 Oct 2026 07:40:00 GMT",
      contentType: "application/rss+xml; charset=utf-8",
      finalUrl: `${server.baseUrl}/feed.xml`,
    });
    expect(Buffer.from(first.body!).toString("utf8")).toBe(RSS);

    const second = await fetchFeed(`${server.baseUrl}/feed.xml`, {
      allowPrivate: true,
      etag: first.etag,
      lastModified: first.lastModified,
    });
    expect(second).toMatchObject({
      status: 304,
      body: null,
      etag: '"v1"',
      lastModified: "Wed, 14 Oct 2026 07:40:00 GMT",
    });
    expect(seen[1]).toMatchObject({ ifNoneMatch: '"v1"', ifModifiedSince: "Wed, 14 Oct 2026 07:40:00 GMT" });
    expect(seen[0]!.userAgent).toMatch(/^Herald\//);
  });
});

describe("redirects", () => {
  const chain = (req: IncomingMessage, res: ServerResponse) => {
    const n = Number(/^\/hop\/(\d+)$/.exec(req.url ?? "")?.[1] ?? "0");
    if (n > 0) {
      res.writeHead(302, { location: `/hop/${n - 1}` });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/rss+xml" });
    res.end(RSS);
  };

  it("follows up to five redirects and reports the final URL", async () => {
    const server = await serve(chain);
    const result = await fetchFeed(`${server.baseUrl}/hop/5`, { allowPrivate: true });
    expect(result.status).toBe(200);
    expect(result.finalUrl).toBe(`${server.baseUrl}/hop/0`);
  });

  it("gives up after the sixth redirect, not retryable", async () => {
    const server = await serve(chain);
    const error = await fetchError(fetchFeed(`${server.baseUrl}/hop/6`, { allowPrivate: true }));
    expect(error.message).toBe(`${server.baseUrl}/hop/6: too many redirects (more than 5)`);
    expect(error.retryable).toBe(false);
  });

  it("refuses a redirect to the cloud metadata address without connecting to it", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/iam/" });
      res.end();
    });
    const error = await fetchFeed(`${server.baseUrl}/feed`, { allowPrivate: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeUrlError);
    expect((error as Error).message).toBe(
      "http://169.254.169.254/latest/meta-data/iam/: 169.254.169.254 is a link-local address (where cloud metadata services live)",
    );
  });

  it("refuses a redirect to a non-http scheme", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: "file:///etc/passwd" });
      res.end();
    });
    const error = await fetchFeed(`${server.baseUrl}/feed`, { allowPrivate: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeUrlError);
    expect((error as Error).message).toContain("only http and https URLs can be fetched, not file:");
  });
});

describe("body handling", () => {
  it("decodes a gzip body", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml", "content-encoding": "gzip" });
      res.end(gzipSync(RSS));
    });
    const result = await fetchFeed(`${server.baseUrl}/feed`, { allowPrivate: true });
    expect(Buffer.from(result.body!).toString("utf8")).toBe(RSS);
  });

  it("decodes a brotli body", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml", "content-encoding": "br" });
      res.end(brotliCompressSync(RSS));
    });
    const result = await fetchFeed(`${server.baseUrl}/feed`, { allowPrivate: true });
    expect(Buffer.from(result.body!).toString("utf8")).toBe(RSS);
  });

  it("stops reading an endless body past 5 MiB", async () => {
    let bytesSent = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      // Writes until the client goes away: only an enforced cap ends this test.
      const pump = () => {
        while (!res.destroyed) {
          bytesSent += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
      };
      pump();
    });
    const error = await fetchError(fetchFeed(`${server.baseUrl}/huge`, { allowPrivate: true }));
    expect(error.message).toBe(`${server.baseUrl}/huge: feed larger than 5 MiB`);
    expect(error.retryable).toBe(false);
    expect(bytesSent).toBeGreaterThan(5 * 1024 * 1024);
  });

  it("refuses a body whose Content-Length is over the cap before reading it", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml", "content-length": String(2048) });
      res.end(Buffer.alloc(2048, "a"));
    });
    const error = await fetchError(fetchFeed(`${server.baseUrl}/big`, { allowPrivate: true, maxBytes: 1024 }));
    expect(error.message).toBe(`${server.baseUrl}/big: feed larger than 1 KiB (Content-Length 2048)`);
  });

  it("caps the decompressed size, not the compressed one (gzip bomb)", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml", "content-encoding": "gzip" });
      res.end(gzipSync(Buffer.alloc(4 * 1024 * 1024, 0)));
    });
    const error = await fetchError(fetchFeed(`${server.baseUrl}/bomb`, { allowPrivate: true, maxBytes: 1024 * 1024 }));
    expect(error.message).toContain("feed larger than 1 MiB");
  });
});

describe("failures", () => {
  it("times out on a server that never answers, retryable", async () => {
    const server = await serve(() => {
      // Never responds.
    });
    const error = await fetchError(fetchFeed(`${server.baseUrl}/slow`, { allowPrivate: true, timeoutMs: 300 }));
    expect(error.message).toBe(`${server.baseUrl}/slow: timed out after 0.3 s`);
    expect(error.retryable).toBe(true);
  });

  it("times out on a body that stalls halfway", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write("<rss>");
    });
    const error = await fetchError(fetchFeed(`${server.baseUrl}/stall`, { allowPrivate: true, timeoutMs: 300 }));
    expect(error.message).toContain("timed out");
    expect(error.retryable).toBe(true);
  });

  it.each([
    [404, false],
    [410, false],
    [403, false],
    [500, true],
    [503, true],
  ])("maps HTTP %i to retryable=%s", async (status, retryable) => {
    const server = await serve((_req, res) => {
      res.writeHead(status);
      res.end("nope");
    });
    const error = await fetchError(fetchFeed(`${server.baseUrl}/x`, { allowPrivate: true }));
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(`${server.baseUrl}/x: HTTP ${status}`);
  });

  it("passes on Retry-After seconds from a 429", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { "retry-after": "120" });
      res.end();
    });
    const error = await fetchError(fetchFeed(`${server.baseUrl}/x`, { allowPrivate: true }));
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfter: 120 });
  });

  it("reports a refused connection as a retryable network error", async () => {
    const server = await serve(() => undefined);
    const url = `${server.baseUrl}/gone`;
    await server.close();
    servers.length = 0;
    const error = await fetchError(fetchFeed(url, { allowPrivate: true }));
    expect(error.message).toBe(`${url}: network error (ECONNREFUSED)`);
    expect(error.retryable).toBe(true);
  });
});

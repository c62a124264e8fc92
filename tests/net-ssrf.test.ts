/**
 * The SSRF guard: which URLs fetchFeed refuses, that it refuses them before
 * any socket is opened, and that the connect-time lookup applies the same
 * rules to resolved addresses (what stops DNS rebinding).
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { LookupAddress } from "node:dns";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchFeed } from "../src/net/fetch.ts";
import { assertPublicAddress, assertPublicHttpUrl, createGuardedLookup, UnsafeUrlError } from "../src/net/ssrf.ts";
import { type LoopbackServer, startLoopbackServer } from "./fakes/http.ts";

/** Counts TCP client sockets created while a test runs: a refused URL must open none. */
let socketsOpened = 0;
const countSocket = () => {
  socketsOpened++;
};
beforeEach(() => {
  socketsOpened = 0;
  subscribe("net.client.socket", countSocket);
});
afterEach(() => {
  unsubscribe("net.client.socket", countSocket);
});

async function refusal(promise: Promise<unknown>): Promise<UnsafeUrlError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsafeUrlError);
  return error as UnsafeUrlError;
}

describe("fetchFeed refuses unsafe URLs before connecting", () => {
  it.each([
    [
      "http://169.254.169.254/latest/meta-data/",
      "169.254.169.254 is a link-local address (where cloud metadata services live)",
    ],
    ["http://[::1]:8080/feed", "::1 is a loopback address"],
    ["http://10.0.0.1/feed", "10.0.0.1 is a private address"],
    ["http://[::ffff:127.0.0.1]/feed", "::ffff:7f00:1 is a loopback address"],
    ["http://2130706433/feed", "127.0.0.1 is a loopback address"],
    ["http://0x7f.1/feed", "127.0.0.1 is a loopback address"],
    ["http://100.64.0.1/feed", "100.64.0.1 is a carrier-grade NAT address"],
    ["http://0.0.0.0/feed", "0.0.0.0 is an unspecified address"],
    ["http://[fe80::1]/feed", "fe80::1 is a link-local address (where cloud metadata services live)"],
    ["http://[2002:7f00:1::]/feed", "2002:7f00:1:: is a loopback address"],
    ["http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is a cloud metadata host"],
  ])("%s", async (url, reason) => {
    const error = await refusal(fetchFeed(url));
    expect(error.message).toBe(`${url}: ${reason}`);
    expect(error.retryable).toBe(false);
    expect(socketsOpened).toBe(0);
  });

  it("refuses ftp:// URLs", async () => {
    const error = await refusal(fetchFeed("ftp://example.com/feed.xml"));
    expect(error.reason).toBe("only http and https URLs can be fetched, not ftp:");
    expect(socketsOpened).toBe(0);
  });

  it("refuses URLs with credentials and keeps the password out of the message", async () => {
    const error = await refusal(fetchFeed("http://user:hunter2@example.com/feed.xml"));
    expect(error.reason).toBe("URLs with a user name or password are not fetched; remove the credentials");
    expect(error.message).not.toContain("hunter2");
    expect(error.message).toContain("http://example.com/feed.xml");
    expect(socketsOpened).toBe(0);
  });

  it("keeps link-local and metadata blocked even with allowPrivate", async () => {
    await refusal(fetchFeed("http://169.254.169.254/latest/meta-data/", { allowPrivate: true }));
    await refusal(fetchFeed("http://metadata.google.internal/", { allowPrivate: true }));
    await refusal(fetchFeed("http://[::ffff:169.254.169.254]/", { allowPrivate: true }));
    expect(socketsOpened).toBe(0);
  });
});

describe("host names are judged by what they resolve to", () => {
  let server: LoopbackServer;
  let requests = 0;
  beforeEach(async () => {
    requests = 0;
    server = await startLoopbackServer((_req, res) => {
      requests++;
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.end('<rss version="2.0"><channel/></rss>');
    });
  });
  afterEach(async () => {
    await server.close();
  });

  it("refuses a name that resolves to loopback and never reaches the server", async () => {
    const error = await refusal(fetchFeed(`http://localhost:${server.port}/feed`));
    expect(error.reason).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
    expect(requests).toBe(0);
    expect(socketsOpened).toBe(0);
  });

  it("fetches the same name through the guarded connection when private addresses are allowed", async () => {
    const result = await fetchFeed(`http://localhost:${server.port}/feed`, { allowPrivate: true });
    expect(result.status).toBe(200);
    expect(requests).toBe(1);
  });
});

describe("assertPublicHttpUrl", () => {
  it("accepts an ordinary https URL and returns it parsed", () => {
    expect(assertPublicHttpUrl("https://news.example.kr/rss?x=1").hostname).toBe("news.example.kr");
  });

  it.each([
    ["not a url", "not a valid absolute URL"],
    ["javascript:alert(1)", "only http and https URLs can be fetched, not javascript:"],
    ["file:///etc/passwd", "only http and https URLs can be fetched, not file:"],
  ])("refuses %j", (url, reason) => {
    expect(() => assertPublicHttpUrl(url)).toThrow(new UnsafeUrlError(url, reason));
  });
});

describe("assertPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.20.0.1",
    "192.168.1.1",
    "100.100.0.1",
    "fd12::1",
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",
  ])("blocks %s by default and allows it with allowPrivate", async (ip) => {
    await refusal(assertPublicAddress(ip, { allowPrivate: false }));
    await expect(assertPublicAddress(ip, { allowPrivate: true })).resolves.toBeUndefined();
  });

  it.each([
    "169.254.169.254",
    "fe80::abcd",
    "224.0.0.1",
    "ff02::1",
    "240.0.0.1",
    "0.1.2.3",
    "100.100.100.200",
    "fd00:ec2::254",
  ])("blocks %s even with allowPrivate", async (ip) => {
    await refusal(assertPublicAddress(ip, { allowPrivate: true }));
  });

  it.each(["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8", "172.32.0.1", "100.128.0.1"])(
    "allows public address %s without any DNS query",
    async (ip) => {
      await expect(assertPublicAddress(ip, { allowPrivate: false })).resolves.toBeUndefined();
    },
  );
});

describe("createGuardedLookup (the check at connect time)", () => {
  const lookup = (allowPrivate: boolean, all: boolean) =>
    new Promise<{ error: Error | null; address: string | LookupAddress[] }>((resolve) => {
      createGuardedLookup({ allowPrivate })("localhost", { all }, (error, address) => resolve({ error, address }));
    });

  it("fails the connection when the name resolves to a loopback address", async () => {
    const { error } = await lookup(false, true);
    expect(error).toBeInstanceOf(UnsafeUrlError);
    expect((error as UnsafeUrlError).reason).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
  });

  it("refuses a cloud metadata name without resolving it", async () => {
    const error = await new Promise<Error | null>((resolve) => {
      createGuardedLookup({ allowPrivate: true })("metadata.google.internal", { all: true }, (e) => resolve(e));
    });
    expect(error).toBeInstanceOf(UnsafeUrlError);
  });

  it("returns every resolved address when the connection asks for all of them", async () => {
    const { error, address } = await lookup(true, true);
    expect(error).toBeNull();
    expect(Array.isArray(address)).toBe(true);
    expect((address as LookupAddress[]).map((a) => a.address)).toContain("127.0.0.1");
  });

  it("returns one address when the connection asks for one", async () => {
    const { error, address } = await lookup(true, false);
    expect(error).toBeNull();
    expect(["127.0.0.1", "::1"]).toContain(address);
  });
});

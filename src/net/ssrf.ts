import type { LookupAddress, LookupOptions } from "node:dns";
import { lookup as dnsLookup } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { redactUrl } from "./redact.ts";

/**
 * A URL or address Herald refuses to fetch: not http(s), carries
 * credentials, or points (directly or through DNS) at loopback, private,
 * link-local, metadata or other non-public addresses. Never retryable.
 */
export class UnsafeUrlError extends Error {
  override readonly name = "UnsafeUrlError";
  readonly retryable = false;
  constructor(
    /** The URL (credentials removed) or host name that was refused. */
    readonly target: string,
    readonly reason: string,
  ) {
    super(`${redactUrl(target)}: ${reason}`);
    this.target = redactUrl(target);
  }
}

interface AddressRange {
  reason: string;
  /** Blocked even with allowPrivate: nothing a feed lives on, and where cloud credentials do. */
  always: boolean;
  v4: [string, number][];
  v6: [string, number][];
}

/** Checked in order; the first range an address falls in decides. */
const RANGES: AddressRange[] = [
  // Alibaba's metadata service sits inside CGNAT space, AWS's IPv6 one inside ULA space.
  { reason: "a cloud metadata address", always: true, v4: [["100.100.100.200", 32]], v6: [["fd00:ec2::254", 128]] },
  { reason: "a loopback address", always: false, v4: [["127.0.0.0", 8]], v6: [["::1", 128]] },
  {
    reason: "a link-local address (where cloud metadata services live)",
    always: true,
    v4: [["169.254.0.0", 16]],
    v6: [["fe80::", 10]],
  },
  {
    reason: "a private address",
    always: false,
    v4: [
      ["10.0.0.0", 8],
      ["172.16.0.0", 12],
      ["192.168.0.0", 16],
    ],
    v6: [["fc00::", 7]],
  },
  { reason: "a carrier-grade NAT address", always: false, v4: [["100.64.0.0", 10]], v6: [] },
  { reason: "an unspecified address", always: true, v4: [["0.0.0.0", 8]], v6: [["::", 128]] },
  { reason: "a multicast address", always: true, v4: [["224.0.0.0", 4]], v6: [["ff00::", 8]] },
  {
    reason: "a reserved address",
    always: true,
    v4: [
      ["240.0.0.0", 4],
      ["192.0.0.0", 24],
      ["192.0.2.0", 24],
      ["198.18.0.0", 15],
      ["198.51.100.0", 24],
      ["203.0.113.0", 24],
    ],
    v6: [
      ["2001:db8::", 32],
      ["100::", 64],
      ["fec0::", 10],
    ],
  },
];

/**
 * IPv6 spellings that carry an IPv4 address: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4
 * (2002:aabb:ccdd::). Each IPv4 range is blocked in all of them, so
 * `[::ffff:127.0.0.1]` is as loopback as `127.0.0.1`.
 */
function embeddedForms(address: string, prefix: number): [string, number][] {
  const [a = 0, b = 0, c = 0, d = 0] = address.split(".").map(Number);
  const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
  const pair = `${hex(a, b)}:${hex(c, d)}`;
  return [
    [`::ffff:${pair}`, 96 + prefix],
    [`::${pair}`, 96 + prefix],
    [`64:ff9b::${pair}`, 96 + prefix],
    [`2002:${pair}::`, 16 + prefix],
  ];
}

const COMPILED = RANGES.map((range) => {
  const list = new BlockList();
  for (const [address, prefix] of range.v4) {
    list.addSubnet(address, prefix, "ipv4");
    for (const [v6, v6Prefix] of embeddedForms(address, prefix)) list.addSubnet(v6, v6Prefix, "ipv6");
  }
  for (const [address, prefix] of range.v6) list.addSubnet(address, prefix, "ipv6");
  return { ...range, list };
});

/**
 * Host names that are cloud metadata services. They resolve to link-local
 * addresses (refused anyway), but are refused by name so that not even a
 * DNS query for them leaves.
 */
const METADATA_HOSTS = new Set([
  "metadata.google.internal",
  "metadata.goog",
  "metadata",
  "instance-data",
  "instance-data.ec2.internal",
]);

/**
 * Why an IP address must not be fetched, or null when it is public (or
 * private and `allowPrivate` is set).
 */
export function unsafeAddressReason(ip: string, allowPrivate: boolean): string | null {
  const address = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(address);
  if (family === 0) return "not an IP address";
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const range of COMPILED) {
    if (range.list.check(address, type)) return range.always || !allowPrivate ? range.reason : null;
  }
  return null;
}

/**
 * Why a host name must not even be resolved, or null. Every other name
 * (localhost, printer.local, *.internal) is judged by the addresses it
 * resolves to, which is what a connection would actually reach.
 */
function unsafeHostNameReason(name: string): string | null {
  return METADATA_HOSTS.has(name) ? "a cloud metadata host" : null;
}

/**
 * Checks a URL's syntax: http or https only, no user name or password, a
 * host present. Says nothing about where the host points (see
 * {@link assertPublicAddress}).
 *
 * @throws {UnsafeUrlError}
 */
export function assertPublicHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeUrlError(url, "not a valid absolute URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UnsafeUrlError(url, `only http and https URLs can be fetched, not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new UnsafeUrlError(url, "URLs with a user name or password are not fetched; remove the credentials");
  }
  if (!parsed.hostname) throw new UnsafeUrlError(url, "the URL has no host");
  return parsed;
}

/**
 * Resolves `hostname` (every address, as the connection may use any) and
 * refuses loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * link-local (169.254/16 with the metadata endpoint, fe80::/10), CGNAT
 * (100.64/10), 0.0.0.0/8, multicast and reserved ranges, the same ranges
 * written as IPv4-mapped/compatible, NAT64 or 6to4 IPv6, and cloud metadata
 * host names. IP literals are checked without DNS.
 *
 * `allowPrivate` lets loopback, private and CGNAT through (self-hosted feeds,
 * tests); link-local, metadata, multicast and reserved stay blocked.
 *
 * @throws {UnsafeUrlError} naming the host, the address and the reason; DNS
 *   failures reject with the resolver's error.
 */
export async function assertPublicAddress(hostname: string, opts: { allowPrivate: boolean }): Promise<void> {
  const name = normalizeHost(hostname);
  if (isIP(name)) {
    const reason = unsafeAddressReason(name, opts.allowPrivate);
    if (reason) throw new UnsafeUrlError(hostname, `${name} is ${reason}`);
    return;
  }
  const nameReason = unsafeHostNameReason(name);
  if (nameReason) throw new UnsafeUrlError(hostname, `${name} is ${nameReason}`);
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => {
    dnsLookup(name, { all: true, verbatim: true }, (error, result) => (error ? reject(error) : resolve(result)));
  });
  const refusal = firstUnsafe(name, addresses, opts.allowPrivate);
  if (refusal) throw refusal;
}

/**
 * A `lookup` for net/tls `connect` that applies the same rules to the
 * addresses a connection is about to use. Installed on the HTTP agent, it
 * closes the gap between checking a name and connecting to it (DNS
 * rebinding: a name that resolved publicly a moment ago now says 127.0.0.1).
 */
export function createGuardedLookup(opts: { allowPrivate: boolean }): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const name = normalizeHost(hostname);
    const nameReason = isIP(name) ? null : unsafeHostNameReason(name);
    if (nameReason) {
      callback(new UnsafeUrlError(hostname, `${name} is ${nameReason}`), "", 0);
      return;
    }
    dnsLookup(name, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, "", 0);
        return;
      }
      const refusal = firstUnsafe(name, addresses, opts.allowPrivate);
      if (refusal) {
        callback(refusal, "", 0);
        return;
      }
      const first = addresses[0];
      if (options.all) callback(null, addresses);
      else if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error(`${name} has no addresses`), { code: "ENOTFOUND" }), "", 0);
    });
  };
}

function firstUnsafe(name: string, addresses: LookupAddress[], allowPrivate: boolean): UnsafeUrlError | null {
  for (const { address } of addresses) {
    const reason = unsafeAddressReason(address, allowPrivate);
    if (reason) return new UnsafeUrlError(name, `${name} resolves to ${address}, ${reason}`);
  }
  return null;
}

/** `[::1]` → `::1`, `Example.COM.` → `example.com`. */
function normalizeHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

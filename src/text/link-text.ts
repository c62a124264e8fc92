/**
 * Whether a link's visible text names another site than the one it opens:
 * `[https://bank.example](https://evil.example)` or `[bank.example](https://evil.example)`.
 * Formatters show such links as their real target instead. Text that is not
 * an address ("read the report") is never misleading in this sense.
 */

import { createRequire } from "node:module";
import { domainToASCII } from "node:url";

/**
 * IANA's top-level domains (the `tlds` package), plus the names RFC 2606/6761
 * reserve for examples and tests. A bare host must end in one of them, so
 * "Node.js" or "Next.js" stay words while "bank.example" is an address.
 */
const TOP_LEVEL = new Set<string>([
  ...(createRequire(import.meta.url)("tlds") as string[]),
  "example",
  "test",
  "invalid",
  "localhost",
]);

/** `scheme://…` at the start: the text presents itself as a URL. */
const URL_LIKE = /^[a-z][a-z\d+.-]*:\/\//i;
/** `bank.example`, `www.bank.example/login`, `bank.example:8443`, `10.0.0.1`: a bare host, maybe with a path. */
const HOST_LIKE =
  /^(?:(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}[\p{L}\p{N}-]*|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?(?:[/?#]\S*)?$/iu;

/** True when `text` reads as a URL or a host name. */
export function looksLikeAddress(text: string): boolean {
  const trimmed = text.trim();
  return URL_LIKE.test(trimmed) || (HOST_LIKE.test(trimmed) && endsInTopLevelDomain(trimmed));
}

function endsInTopLevelDomain(host: string): boolean {
  const name = host.replace(/[:/?#].*$/s, "").replace(/\.$/, "");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return true;
  const last = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  return TOP_LEVEL.has(last) || TOP_LEVEL.has(domainToASCII(last));
}

/**
 * True when `text` reads as a URL or host name whose host is not `href`'s
 * (`www.` and letter case aside; IDNs compared in punycode, so look-alike
 * letters count as different).
 */
export function linkTextMisleads(text: string, href: string): boolean {
  const trimmed = text.trim();
  if (!looksLikeAddress(trimmed)) return false;
  const named = hostOf(URL_LIKE.test(trimmed) ? trimmed : `https://${trimmed}`);
  const target = hostOf(href);
  return named === null || target === null || named !== target;
}

function hostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === "" ? null : host.replace(/^www\./, "").replace(/\.$/, "");
  } catch {
    return null;
  }
}

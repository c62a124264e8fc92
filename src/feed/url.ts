/**
 * Resolves a possibly relative URL from a feed against the first base that
 * is itself an absolute URL (xml:base, item link, feed link, feed URL).
 * Only http(s) results are kept: a `javascript:` or `data:` link in a feed
 * is never a URL Herald should post.
 */
export function resolveHttpUrl(
  value: string | null | undefined,
  ...bases: (string | null | undefined)[]
): string | null {
  const raw = value?.trim();
  if (!raw) return null;
  for (const base of [undefined, ...bases]) {
    if (base === null) continue;
    try {
      const url = new URL(raw, base);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch {
      // Relative to nothing usable yet: try the next base.
    }
  }
  return null;
}

/** The first base that parses as an absolute http(s) URL, resolving each later one against it. */
export function resolveBase(...candidates: (string | null | undefined)[]): string | null {
  // xml:base may itself be relative ("/blog/") to an outer base, so resolve
  // from the outermost (last) candidate inwards.
  let base: string | null = null;
  for (const candidate of [...candidates].reverse()) {
    base = resolveHttpUrl(candidate, base) ?? base;
  }
  return base;
}

/**
 * The base of a feed's relative links when no xml:base says otherwise: the
 * URL it was fetched from (the retrieval URI of RFC 3986 §5.1.3), else the
 * feed's own URL as it states it (`rel="self"`), which is all there is for
 * a feed handed over without a URL (ingested by id).
 */
export function documentBase(fetchUrl: string | null, selfHref: string | null | undefined): string | null {
  return fetchUrl ?? resolveHttpUrl(selfHref);
}

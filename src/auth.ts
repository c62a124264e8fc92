import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Constant-time equality for secrets. Both sides are hashed first so the
 * comparison takes the same time whatever the lengths (timingSafeEqual
 * itself throws on different lengths, which would leak the length).
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** Checks `sha256=<hex>` against the HMAC-SHA256 of the raw body, in constant time. */
export function hmacSignatureValid(rawBody: Uint8Array, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest("hex");
  return secretsEqual(header.slice(7).trim().toLowerCase(), expected);
}

/** `Authorization: Bearer <token>` against the expected token, in constant time. */
export function bearerValid(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m ? secretsEqual(m[1] as string, token) : false;
}

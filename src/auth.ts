import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** How far a signed request's timestamp may be from our clock, either way. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

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

/**
 * Checks `sha256=<hex>` against the HMAC-SHA256 of `<timestamp>.<raw body>`,
 * in constant time. Signing the timestamp with the body is what lets a
 * receiver refuse an old captured request (see {@link signatureTimestampProblem}).
 *
 * @example hmacSignatureValid(body, "sha256=9f…", "1760400000", secret)
 */
export function hmacSignatureValid(
  rawBody: Uint8Array,
  header: string | undefined,
  timestamp: string,
  secret: string,
): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex");
  return secretsEqual(header.slice(7).trim().toLowerCase(), expected);
}

/** Why a signature timestamp (Unix seconds) is unacceptable, or null when it is within the window of now. */
export function signatureTimestampProblem(timestamp: string | undefined, nowMs = Date.now()): string | null {
  if (!timestamp) return "missing X-Herald-Timestamp (Unix seconds, signed with the body)";
  if (!/^\d{1,12}$/.test(timestamp)) return "X-Herald-Timestamp is not a Unix time in seconds";
  const skew = Number(timestamp) - nowMs / 1000;
  if (skew < -SIGNATURE_WINDOW_SECONDS) return "X-Herald-Timestamp is more than 5 minutes old";
  if (skew > SIGNATURE_WINDOW_SECONDS) return "X-Herald-Timestamp is more than 5 minutes in the future";
  return null;
}

/** `Authorization: Bearer <token>` against the expected token, in constant time. */
export function bearerValid(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m ? secretsEqual(m[1] as string, token) : false;
}

/**
 * `Authorization: Basic <base64 of name:password>` against `users`, in constant
 * time: every user's name and password are compared in full, whatever matched
 * before, so the time taken tells neither which names exist nor how much of a
 * password was right. Returns the matching user's name, or null.
 *
 * @example basicUserValid(`Basic ${btoa("ops:s3cret")}`, [{ name: "ops", password: "s3cret" }]) // "ops"
 */
export function basicUserValid(
  header: string | undefined,
  users: readonly { name: string; password: string }[],
): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? "");
  if (!m) return null;
  const decoded = Buffer.from(m[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const [name, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  let matched: string | null = null;
  for (const user of users) {
    // `&` rather than `&&`: the password is compared even when the name differs.
    if (Number(secretsEqual(name, user.name)) & Number(secretsEqual(password, user.password))) matched ??= user.name;
  }
  return matched;
}

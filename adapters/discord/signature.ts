/**
 * Discord signs every interaction it POSTs with the application's Ed25519 key:
 * `X-Signature-Ed25519` is the hex signature of `X-Signature-Timestamp + body`.
 * Discord probes endpoints with bad signatures and disables those that accept them.
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";

/** DER SubjectPublicKeyInfo header for a raw 32-byte Ed25519 key (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** How far the signed timestamp may be from our clock: an old signed request must not be replayable for long. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** The application's public key (64 hex characters, as the Developer Portal shows it) as a KeyObject. */
export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new Error(
      "discord.publicKey must be the application's public key: 64 hexadecimal characters (DISCORD_PUBLIC_KEY).",
    );
  }
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, "hex")]),
    format: "der",
    type: "spki",
  });
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * What can be checked before the body is read: both headers present and well
 * formed, the timestamp within 5 minutes of now. A request failing this is
 * refused without reading its body.
 */
export function checkDiscordSignatureHeaders(
  signatureHex: string | undefined,
  timestamp: string | undefined,
  nowMs = Date.now(),
): SignatureCheck {
  if (!signatureHex || !timestamp) return { ok: false, reason: "missing X-Signature-Ed25519 or X-Signature-Timestamp" };
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex))
    return { ok: false, reason: "X-Signature-Ed25519 is not 64 bytes of hex" };
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: "X-Signature-Timestamp is not a Unix time in seconds" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: "X-Signature-Timestamp is more than 5 minutes from now" };
  }
  return { ok: true };
}

/**
 * Checks one request's signature. Signature verification is constant-time in
 * OpenSSL; nothing secret is compared by hand.
 */
export function checkDiscordSignature(
  key: KeyObject,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
  nowMs = Date.now(),
): SignatureCheck {
  const headers = checkDiscordSignatureHeaders(signatureHex, timestamp, nowMs);
  if (!headers.ok || !signatureHex || !timestamp) return headers;
  const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), body]);
  const valid = verify(null, signed, key, Buffer.from(signatureHex, "hex"));
  return valid ? { ok: true } : { ok: false, reason: "signature does not match" };
}

/** Bot-token and webhook-token checks, compared in constant time like any secret. */
import { createHash, timingSafeEqual } from "node:crypto";
import { unauthorized } from "./errors.ts";

/** Constant-time string comparison (hashing first makes the lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Requires `Authorization: Bot <token>`, answering Discord's 401 `{ message: "401: Unauthorized", code: 0 }`
 * otherwise. With no `expected` token, any non-empty bot token passes.
 */
export function checkBotAuthorization(header: string | undefined, expected: string | undefined): void {
  const token = /^Bot (\S+)$/.exec(header ?? "")?.[1];
  if (token === undefined) throw unauthorized();
  if (expected !== undefined && !safeEqual(token, expected)) throw unauthorized();
}

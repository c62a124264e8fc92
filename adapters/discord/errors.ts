/**
 * Maps what @discordjs/rest throws onto Herald's error family (src/errors.ts).
 * Messages follow discord.js's naming, `DiscordAPIError[50013] Missing Permissions
 * on POST /channels/…/messages`, minus anything secret: the bot token travels in a
 * header and never appears, and interaction/webhook tokens in paths are masked.
 */
import { DiscordAPIError, HTTPError, RateLimitError as RestRateLimitError } from "@discordjs/rest";
import {
  type AdapterError,
  AuthenticationError,
  looksTimedOut,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ValidationError,
} from "../../src/errors.ts";
import { redactSecrets } from "../../src/net/redact.ts";

/** Missing Access, Missing Permissions. */
const PERMISSION_CODES = new Set([50001, 50013]);
/** Unknown Channel, Unknown Message, Unknown Webhook, Unknown Interaction. */
const NOT_FOUND_CODES = new Set([10003, 10008, 10015, 10062]);
/** Unauthorized, Invalid Webhook Token. */
const AUTH_CODES = new Set([40001, 50027]);

/** Discord's "Unknown Message": the message is already gone. */
export const UNKNOWN_MESSAGE = 10008;

/**
 * Turns anything a REST call rejected with into an {@link AdapterError}.
 *
 * @example
 * try { await rest.post(route, { body }) } catch (error) { throw toDiscordError(error) }
 */
export function toDiscordError(error: unknown): AdapterError {
  if (error instanceof DiscordAPIError) return fromApiError(error);
  if (error instanceof RestRateLimitError) {
    const wait = Math.max(0, Math.ceil(error.retryAfter));
    const scope = error.global ? "global" : error.scope;
    const request = requestOf(error.method, error.url);
    return new RateLimitError(
      "discord",
      wait,
      `rate limited (${scope}) for ${wait} ms on ${error.method.toUpperCase()} ${request.path}`,
      request,
    );
  }
  if (error instanceof HTTPError) {
    const request = requestOf(error.method, error.url);
    const where = `${error.method.toUpperCase()} ${request.path}`;
    return new NetworkError("discord", `HTTPError[${error.status}] ${maskTokens(error.message)} on ${where}`, {
      ...request,
      status: error.status,
    });
  }
  if (error instanceof Error && /Expected token to be set/.test(error.message)) {
    // @discordjs/rest forgets the token after a 401, so every later call fails this way.
    return new AuthenticationError("discord", "the bot token was refused earlier (401); set a valid DISCORD_TOKEN");
  }
  const reason = describeNetworkFailure(error);
  // @discordjs/rest aborts a request that outlives its own timeout: an AbortError here is that clock running out.
  const timedOut = (error instanceof Error && error.name === "AbortError") || looksTimedOut(error);
  return new NetworkError("discord", `request failed: ${reason}`, { timedOut, cause: new Error(reason) });
}

function fromApiError(error: DiscordAPIError): AdapterError {
  const code = typeof error.code === "number" ? error.code : Number.NaN;
  const request = requestOf(error.method, error.url);
  const message = `DiscordAPIError[${error.code}] ${maskTokens(error.message).replace(/\n/g, "; ")} on ${error.method.toUpperCase()} ${request.path}`;
  const status = error.status;
  const details = { ...request, status, platformCode: error.code };
  if (status === 401 || AUTH_CODES.has(code)) return new AuthenticationError("discord", message, details);
  if (PERMISSION_CODES.has(code) || status === 403) return new PermissionError("discord", message, details);
  if (NOT_FOUND_CODES.has(code) || status === 404) return new NotFoundError("discord", message, details);
  if (status === 429) return new RateLimitError("discord", 1000, message, details);
  if (status >= 500) return new NetworkError("discord", message, details);
  return new ValidationError("discord", message, details);
}

/**
 * `method` as HTTP method and route (`POST /channels/:id/messages`, the same for every channel, so it can be
 * counted), `path` as requested with its tokens masked (`/webhooks/123/***`).
 */
function requestOf(method: string, url: string): { method: string; path: string } {
  const path = safePath(url);
  return {
    method: `${method.toUpperCase()} ${path.replace(/\/\d{15,}(?=\/|$)/g, "/:id").replace(/\/\*\*\*(?=\/|$)/g, "/:token")}`,
    path,
  };
}

/** The API path without origin and version, with interaction and webhook tokens masked. */
export function safePath(url: string): string {
  let path: string;
  try {
    // Decoded, so `@original` reads as Discord documents it rather than `%40original`.
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    path = url.split("?")[0] ?? "";
  }
  return maskTokens(path.replace(/^.*?\/api(?:\/v\d+)?(?=\/)/, ""));
}

/** `/webhooks/{id}/{token}` and `/interactions/{id}/{token}` carry secrets. */
function maskTokens(text: string): string {
  return redactSecrets(text).replace(/\/(webhooks|interactions)\/(\d+)\/[^/\s?]+/g, "/$1/$2/***");
}

function describeNetworkFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : (error as { code?: unknown }).code;
  if (error.name === "AbortError") return "timed out or aborted";
  return maskTokens(typeof code === "string" ? `${error.message} (${code})` : error.message);
}

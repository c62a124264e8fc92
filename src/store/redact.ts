/**
 * Strips secrets from a config object before it is written to the database.
 * The config file stays the only place that holds tokens and webhook URLs;
 * the store keeps just enough to show which destination is which.
 */

export const REDACTED = "[redacted]";

/** Keys whose values are secrets whatever they look like. */
const SECRET_KEY = /token|secret|password|passwd|api[-_]?key|auth|credential|signing|private[-_]?key|cookie|webhook/i;

/** Values that are secrets whatever key they sit under. */
const SECRET_VALUES: readonly RegExp[] = [
  /^xox[abprse]-/i, // Slack tokens
  /^xapp-/i, // Slack app-level tokens
  /^\d{5,}:[\w-]{30,}$/, // Telegram bot tokens
  /^[\w-]{20,}\.[\w-]{5,}\.[\w-]{20,}$/, // Discord bot tokens
];

export interface RedactOptions {
  /**
   * Replace every http(s) URL by its origin + "/[redacted]". Right for
   * destinations, whose URLs are webhooks carrying their own credentials.
   */
  redactUrls: boolean;
}

/** A deep copy of `config` with secret values replaced by {@link REDACTED}. */
export function redactConfig(config: Record<string, unknown>, options: RedactOptions): Record<string, unknown> {
  return redactValue(config, null, options) as Record<string, unknown>;
}

function redactValue(value: unknown, key: string | null, options: RedactOptions): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key, options));
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [innerKey, inner] of Object.entries(value)) copy[innerKey] = redactValue(inner, innerKey, options);
    return copy;
  }
  if (typeof value !== "string") return value;
  if (key !== null && SECRET_KEY.test(key)) return value === "" ? value : REDACTED;
  if (SECRET_VALUES.some((pattern) => pattern.test(value))) return REDACTED;
  if (/^https?:\/\//i.test(value)) {
    if (options.redactUrls) return `${originOf(value)}/${REDACTED}`;
    return stripUrlCredentials(value);
  }
  return value;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return REDACTED;
  }
}

/**
 * Keeps a URL but drops user:password. The query stays: a feed's URL is what
 * Herald polls, and `?section=it` is part of it.
 */
function stripUrlCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return REDACTED;
  }
}

/**
 * A URL fit for logs and error messages: user name and password removed
 * (`https://user:secret@host/feed` → `https://host/feed`) and secret-named
 * query values hidden (`?token=…` → `?token=[redacted]`, see
 * {@link redactSecrets}). Anything that is not a URL (a feed id) is returned
 * unchanged.
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (!url.username && !url.password) return url.search ? redactSecrets(value) : value;
  url.username = "";
  url.password = "";
  return redactSecrets(url.href);
}

const HIDDEN = "[redacted]";

/**
 * Secret shapes in free text, each with what it becomes. Order matters: URL
 * paths first (a Telegram token inside `/bot<token>/` is a path segment),
 * then bare tokens, then query values.
 */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // user:password@ in any URL.
  [/\b([a-z][a-z\d+.-]*:\/\/)[^\s/?#@:]+:[^\s/?#@]*@/gi, `$1${HIDDEN}@`],
  // Discord webhooks and interaction tokens: /api/webhooks/<id>/<token>, /interactions/<id>/<token>.
  [/\/(webhooks|interactions)\/(\d+)\/[^/\s?#"'<>]+/gi, `/$1/$2/${HIDDEN}`],
  // Slack incoming webhooks: /services/T…/B…/<secret> (also /workflows/…, /triggers/…).
  [/\/(services|workflows|triggers)\/([A-Z\d]+)\/([A-Z\d]+)\/[^/\s?#"'<>]+/g, `/$1/$2/$3/${HIDDEN}`],
  // Telegram bot tokens, bare or in /bot<token>/ paths (also URL-encoded).
  [/(?<![\dA-Za-z])(bot)?\d{5,}(?::|%3A)[\w-]{30,}/gi, `$1${HIDDEN}`],
  // Slack bot/user/app tokens.
  [/\bxox[a-z]-[\w-]+|\bxapp-[\w-]+/gi, HIDDEN],
  // Discord bot tokens and other JWT-shaped secrets: three base64url parts.
  [/\b[\w-]{20,}\.[\w-]{5,}\.[\w-]{20,}\b/g, HIDDEN],
  // Authorization header values quoted back.
  [/\b(Bearer|Bot|Basic)\s+[\w.~+/=-]{8,}/g, `$1 ${HIDDEN}`],
  // Query parameters and key=value pairs named like secrets (token=, access_token=, api_key=, sig=, X-Amz-Signature=…).
  [
    /([?&;\s"'{,]|^)([\w.-]*(?:token|key|sig|signature|secret|password|passwd|pwd|credential|auth)=)[^&\s#"'<>;,]*/gi,
    `$1$2${HIDDEN}`,
  ],
  // The same in JSON: "token": "…".
  [/("[\w.-]*(?:token|secret|password|api_?key|signature)"\s*:\s*)"[^"]*"/gi, `$1"${HIDDEN}"`],
];

/**
 * Free text (an API's error body, an exception message) without the secrets
 * it may quote: webhook tokens in paths, bot tokens, secret query values and
 * URL passwords. For everything that leaves Herald as text: stored reasons,
 * logs, `herald status`, replies.
 *
 * @example redactSecrets("Unknown Webhook: POST /api/webhooks/1/abc") // "Unknown Webhook: POST /api/webhooks/1/[redacted]"
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

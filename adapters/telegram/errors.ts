/**
 * Bot API failures onto Herald's error family. grammY throws `GrammyError`
 * when Telegram answered `ok: false` (status = error_code, words in
 * `description`) and `HttpError` when no JSON answer came back. The request
 * URL contains the bot token (`/bot<token>/sendMessage`) and node-fetch quotes
 * it in its messages, so every text that leaves this module is scrubbed.
 */
import { GrammyError, HttpError } from "grammy";
import {
  AdapterError,
  AuthenticationError,
  errorFromStatus,
  looksTimedOut,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ValidationError,
} from "../../src/errors.ts";
import { redactSecrets } from "../../src/net/redact.ts";

const PLATFORM = "telegram";

/** Any bot token in a text (`123456:AA…`), with or without the `bot` prefix of API paths. */
const ANY_TOKEN = /(bot)?\d{3,}(?::|%3A)[\w-]{20,}/gi;

/** Removes the bot token (and anything shaped like one, and other secrets) from a text meant for logs or errors. */
export function scrubToken(text: string, token: string): string {
  let out = text;
  if (token) {
    const secret = token.split(":")[1] ?? "";
    for (const form of [token, encodeURIComponent(token), secret]) {
      if (form.length >= 8) out = out.split(form).join("***");
    }
  }
  // Then every other secret shape: a description may quote a URL with a key or password in it.
  return redactSecrets(out.replace(ANY_TOKEN, (_match, bot: string | undefined) => `${bot ?? ""}***`));
}

/** 400 descriptions that mean the chat or message is gone. */
const NOT_FOUND =
  /chat not found|PEER_ID_INVALID|message to (?:edit|delete|be replied) not found|MESSAGE_ID_INVALID|upgraded to a supergroup/i;
/** 400 descriptions that mean the bot may not do this there. */
const NO_RIGHTS =
  /need administrator rights|not enough rights|have no rights|CHAT_WRITE_FORBIDDEN|CHAT_ADMIN_REQUIRED|CHAT_RESTRICTED|message can't be (?:deleted|edited)/i;

/**
 * Maps what a grammY call threw. `action` says what Herald was doing
 * ("sendPhoto to @herald_news") and ends up in the message.
 *
 * @example catch (e) { throw toTelegramError(e, token, `sendMessage to ${chatId}`) }
 */
export function toTelegramError(error: unknown, token: string, action: string): AdapterError {
  if (error instanceof AdapterError) return error;
  const clean = (text: string) => scrubToken(text, token);
  if (error instanceof GrammyError) return fromGrammyError(error, clean(action), clean);
  const request = requestOf(botApiMethod(action));
  if (error instanceof HttpError) {
    const inner = error.error;
    const reason = networkReason(inner);
    return new NetworkError(PLATFORM, clean(`${action} failed: network error (${reason})`), {
      ...request,
      timedOut: looksTimedOut(inner),
      cause: scrubbedCopy(inner, clean),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NetworkError(PLATFORM, clean(`${action} failed: ${message}`), {
    ...request,
    timedOut: looksTimedOut(error),
    cause: scrubbedCopy(error, clean),
  });
}

/** The Bot API method an action starts with (`sendPhoto to @herald_news`), if it does. */
function botApiMethod(action: string): string | undefined {
  return /^[a-z]+[A-Z][A-Za-z]*\b/.exec(action)?.[0];
}

/** The request as fields; the path's token segment is masked, as it is everywhere. */
function requestOf(method: string | undefined): { method?: string; path?: string } {
  return method ? { method, path: `/bot***/${method}` } : {};
}

/**
 * Telegram's code for a failure: the upper-case code some descriptions carry (`Bad Request: PEER_ID_INVALID`),
 * which says more than the HTTP-like `error_code`; otherwise `error_code` itself.
 */
function platformCodeOf(error: GrammyError): number | string {
  return /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/.exec(error.description)?.[0] ?? error.error_code;
}

function fromGrammyError(error: GrammyError, action: string, clean: (text: string) => string): AdapterError {
  const status = error.error_code;
  const description = clean(error.description);
  const what = `${action} failed: ${description} (${status})`;
  const details = { ...requestOf(error.method), status, platformCode: platformCodeOf(error) };
  if (status === 429) {
    const seconds = error.parameters.retry_after;
    const waitMs = typeof seconds === "number" && seconds > 0 ? Math.ceil(seconds * 1000) : 1000;
    return new RateLimitError(PLATFORM, waitMs, what, details);
  }
  if (status === 401) {
    return new AuthenticationError(PLATFORM, `${what}: the bot token was refused. Check TELEGRAM_BOT_TOKEN.`, details);
  }
  // The Bot API answers 404 for a malformed token or a wrong API root, never for a missing chat.
  if (status === 404) {
    return new AuthenticationError(PLATFORM, `${what}: check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT.`, details);
  }
  if (status === 403) return new PermissionError(PLATFORM, what, details);
  if (status === 400) {
    if (NOT_FOUND.test(description)) {
      const movedTo = error.parameters.migrate_to_chat_id;
      const hint = movedTo !== undefined ? `; the chat is now ${movedTo}` : "";
      return new NotFoundError(PLATFORM, `${what}${hint}`, details);
    }
    if (NO_RIGHTS.test(description)) return new PermissionError(PLATFORM, what, details);
    return new ValidationError(PLATFORM, what, details);
  }
  if (status >= 500) return new NetworkError(PLATFORM, what, details);
  return errorFromStatus(PLATFORM, status, what, details);
}

/** A short reason for a failed fetch: the system error code when there is one. */
function networkReason(inner: unknown): string {
  // node-fetch's FetchError: "invalid-json" is a proxy's HTML error page (Telegram's nginx answers 502s that way).
  if ((inner as { type?: unknown } | null)?.type === "invalid-json") return "the API answered with a non-JSON page";
  const code = (inner as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code;
  if (inner instanceof Error) return inner.message;
  return String(inner);
}

/** The cause kept on the error, minus the token its message may quote. */
function scrubbedCopy(inner: unknown, clean: (text: string) => string): Error | undefined {
  if (inner === undefined || inner === null) return undefined;
  const copy = new Error(clean(inner instanceof Error ? inner.message : String(inner)));
  if (inner instanceof Error) copy.name = inner.name;
  return copy;
}

/** Whether an error is Telegram's "nothing changed" answer to an edit (the edit is then already done). */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** Whether an error says the targeted message no longer exists. */
export function isMessageGone(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message to (?:edit|delete) not found|MESSAGE_ID_INVALID/i.test(error.description)
  );
}

/** Whether an edit went to the wrong kind of message (caption edit on a text message, or the reverse). */
export function isWrongMessageKind(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /there is no (?:caption|text) in the message to edit/i.test(error.description)
  );
}

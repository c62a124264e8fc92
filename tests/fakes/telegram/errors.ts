/**
 * Bot API errors as Telegram sends them: the HTTP status equals `error_code`, and the body is
 * `{ ok: false, error_code, description, parameters? }`.
 */

/** `ResponseParameters`: `retry_after` on 429, `migrate_to_chat_id` when a group became a supergroup. */
export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export class TelegramApiError extends Error {
  readonly code: number;
  readonly description: string;
  readonly parameters: ResponseParameters | undefined;

  constructor(code: number, description: string, parameters?: ResponseParameters) {
    super(description);
    this.name = "TelegramApiError";
    this.code = code;
    this.description = description;
    this.parameters = parameters;
  }

  toJSON(): Record<string, unknown> {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** 400 "Bad Request: <reason>". */
export function badRequest(reason: string): TelegramApiError {
  return new TelegramApiError(400, `Bad Request: ${reason}`);
}

/** 403 "Forbidden: <reason>". */
export function forbidden(reason: string): TelegramApiError {
  return new TelegramApiError(403, `Forbidden: ${reason}`);
}

/** 429 with the wait in both the description and `parameters.retry_after`, as Telegram does. */
export function tooManyRequests(retryAfterSeconds: number): TelegramApiError {
  return new TelegramApiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, {
    retry_after: retryAfterSeconds,
  });
}

/** 409, for getUpdates conflicts. */
export function conflict(reason: string): TelegramApiError {
  return new TelegramApiError(409, `Conflict: ${reason}`);
}

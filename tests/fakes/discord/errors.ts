/**
 * Discord's JSON error bodies, as the real API answers them:
 * `{ message, code }`, plus a nested `errors` tree for 50035 "Invalid Form Body"
 * (`{ embeds: { "0": { description: { _errors: [{ code, message }] } } } }`).
 */

/** One leaf error inside an `errors` tree. */
export interface FieldError {
  code: string;
  message: string;
}

/** The nested `errors` object of a 50035 answer; numeric keys are array indexes. */
export interface ErrorTree {
  _errors?: FieldError[];
  [key: string]: ErrorTree | FieldError[] | undefined;
}

/** The JSON body of every Discord error answer. */
export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: ErrorTree;
}

/** Thrown by handlers and validators; the server turns it into the HTTP answer. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody,
  ) {
    super(`${status} ${body.code}: ${body.message}`);
    this.name = "DiscordHttpError";
  }
}

/** A path into a request body, e.g. `["embeds", 0, "description"]`. */
export type FieldPath = readonly (string | number)[];

/** Collects field errors into Discord's tree shape so one answer names every bad field. */
export class FormErrors {
  readonly tree: ErrorTree = {};
  private count = 0;

  add(path: FieldPath, code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      const name = String(key);
      const next = node[name];
      if (next === undefined || Array.isArray(next)) {
        const created: ErrorTree = {};
        node[name] = created;
        node = created;
      } else {
        node = next;
      }
    }
    node._errors ??= [];
    node._errors.push({ code, message });
    this.count++;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Throws 400 / 50035 "Invalid Form Body" when any error was collected. */
  throwIfAny(): void {
    if (!this.isEmpty) throw invalidFormBody(this.tree);
  }
}

export function invalidFormBody(errors: ErrorTree): DiscordHttpError {
  return new DiscordHttpError(400, { message: "Invalid Form Body", code: 50035, errors });
}

/** Shorthand for a 50035 answer about a single field. */
export function fieldError(path: FieldPath, code: string, message: string): DiscordHttpError {
  const errors = new FormErrors();
  errors.add(path, code, message);
  return invalidFormBody(errors.tree);
}

export const unauthorized = (): DiscordHttpError =>
  new DiscordHttpError(401, { message: "401: Unauthorized", code: 0 });

export const notFound = (): DiscordHttpError => new DiscordHttpError(404, { message: "404: Not Found", code: 0 });

export const methodNotAllowed = (): DiscordHttpError =>
  new DiscordHttpError(405, { message: "405: Method Not Allowed", code: 0 });

export const invalidApiVersion = (): DiscordHttpError =>
  new DiscordHttpError(400, { message: "Invalid API version provided", code: 50041 });

export const emptyMessage = (): DiscordHttpError =>
  new DiscordHttpError(400, { message: "Cannot send an empty message", code: 50006 });

export const invalidJson = (): DiscordHttpError =>
  new DiscordHttpError(400, { message: "The request body contains invalid JSON.", code: 50109 });

export const entityTooLarge = (): DiscordHttpError =>
  new DiscordHttpError(413, { message: "Request entity too large", code: 40005 });

export const unknownMessage = (): DiscordHttpError =>
  new DiscordHttpError(404, { message: "Unknown Message", code: 10008 });

export const unknownWebhook = (): DiscordHttpError =>
  new DiscordHttpError(404, { message: "Unknown Webhook", code: 10015 });

export const invalidWebhookToken = (): DiscordHttpError =>
  new DiscordHttpError(401, { message: "Invalid Webhook Token", code: 50027 });

export const unknownInteraction = (): DiscordHttpError =>
  new DiscordHttpError(404, { message: "Unknown interaction", code: 10062 });

export const alreadyAcknowledged = (): DiscordHttpError =>
  new DiscordHttpError(400, { message: "Interaction has already been acknowledged.", code: 40060 });

/** The codes {@link DiscordFake.denyChannel} can simulate, with the status Discord answers them with. */
export const CHANNEL_DENIALS = {
  50001: { status: 403, message: "Missing Access" },
  50013: { status: 403, message: "Missing Permissions" },
  10003: { status: 404, message: "Unknown Channel" },
} as const;

export type ChannelDenialCode = keyof typeof CHANNEL_DENIALS;

export function channelDenied(code: ChannelDenialCode): DiscordHttpError {
  const { status, message } = CHANNEL_DENIALS[code];
  return new DiscordHttpError(status, { message, code });
}

export const cannotEditOthersMessage = (): DiscordHttpError =>
  new DiscordHttpError(403, { message: "Cannot edit a message authored by another user", code: 50005 });

export const cannotSendInNonTextChannel = (): DiscordHttpError =>
  new DiscordHttpError(400, { message: "Cannot send messages in a non-text channel", code: 50008 });

export const wrongChannelType = (): DiscordHttpError =>
  new DiscordHttpError(400, { message: "Cannot execute action on this channel type", code: 50024 });

export const threadAlreadyCreated = (): DiscordHttpError =>
  new DiscordHttpError(400, { message: "A thread has already been created for this message", code: 160004 });

export const alreadyCrossposted = (): DiscordHttpError =>
  new DiscordHttpError(400, { message: "This message has already been crossposted.", code: 40033 });

export const unknownChannel = (): DiscordHttpError =>
  new DiscordHttpError(404, { message: "Unknown Channel", code: 10003 });

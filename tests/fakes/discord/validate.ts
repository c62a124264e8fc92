/**
 * Validates a message payload (channel message, webhook execute, interaction response)
 * the way Discord does, answering Discord's error codes: 50035 with a field tree,
 * 50006 for an empty message. Beyond the real API, it rejects an embed pointing at
 * `attachment://name` when no upload has that name: Discord silently shows no image,
 * which a test would otherwise never notice.
 */

import { checkEmbeds } from "./embeds.ts";
import { emptyMessage, FormErrors } from "./errors.ts";
import {
  checkArray,
  checkBoolean,
  checkInteger,
  checkSnowflakeList,
  checkString,
  checkUrl,
  isObject,
} from "./fields.ts";
import type { UploadedPart } from "./multipart.ts";

export type MessageContext = "channel" | "webhook" | "interaction";

export interface MessageRules {
  context: MessageContext;
  /** Creates must not be empty; edits may send any subset of fields. */
  mode: "create" | "edit";
  /** For edits: attachments already on the message (id → file name), which `attachments` may keep. */
  existing?: ReadonlyMap<string, string>;
}

/** An upload with the name the message will show (an `attachments[].filename` overrides the part's filename). */
export interface NamedUpload extends UploadedPart {
  name: string;
}

export interface ValidatedMessage {
  uploads: NamedUpload[];
  /** For edits: ids of existing attachments to keep, or `undefined` when `attachments` was not sent (keep all). */
  keptAttachmentIds?: string[] | undefined;
}

const MENTION_TYPES = ["users", "roles", "everyone"];

/** SUPPRESS_EMBEDS (4) and SUPPRESS_NOTIFICATIONS (4096): the only flags a create may set; an edit only the first. */
const SETTABLE_FLAGS = { create: 4 | 4096, edit: 4 } as const;

function checkSettableFlags(errors: FormErrors, flags: unknown, mode: MessageRules["mode"]): void {
  if (typeof flags !== "number" || !Number.isInteger(flags)) return;
  if ((flags & ~SETTABLE_FLAGS[mode]) !== 0)
    errors.add(["flags"], "MESSAGE_FLAGS_INVALID", `Flags ${flags} include flags that cannot be set on ${mode}.`);
}

/** Throws a DiscordHttpError for anything Discord would refuse; returns the uploads with their effective names. */
export function validateMessage(
  payload: Record<string, unknown>,
  parts: readonly UploadedPart[],
  rules: MessageRules,
): ValidatedMessage {
  const errors = new FormErrors();
  checkString(errors, ["content"], payload.content, { max: 2000 });
  const references = checkEmbeds(errors, payload.embeds);
  checkBoolean(errors, ["tts"], payload.tts);
  checkInteger(errors, ["flags"], payload.flags, 0, 2 ** 31 - 1);
  // Interaction responses may also be EPHEMERAL (64); channel and webhook messages may not.
  if (rules.context !== "interaction") checkSettableFlags(errors, payload.flags, rules.mode);
  checkAllowedMentions(errors, payload.allowed_mentions);
  if (rules.context === "channel") checkNonce(errors, payload);
  if (rules.context === "webhook") checkWebhookIdentity(errors, payload);
  const { uploads, keptAttachmentIds } = resolveAttachments(errors, payload.attachments, parts, rules);

  const available = new Set(uploads.map((upload) => upload.name));
  for (const id of keptAttachmentIds ?? [...(rules.existing?.keys() ?? [])]) {
    const name = rules.existing?.get(id);
    if (name !== undefined) available.add(name);
  }
  for (const reference of references) {
    if (!available.has(reference.name)) {
      const uploaded = [...available].join(", ") || "none";
      errors.add(
        reference.path,
        "FAKE_ATTACHMENT_NOT_UPLOADED",
        `attachment://${reference.name} matches no uploaded file (uploaded: ${uploaded}); Discord would show no image.`,
      );
    }
  }
  errors.throwIfAny();

  if (rules.mode === "create" && isEmptyMessage(payload, uploads)) throw emptyMessage();
  return { uploads, keptAttachmentIds };
}

function isEmptyMessage(payload: Record<string, unknown>, uploads: readonly NamedUpload[]): boolean {
  const nonEmptyList = (value: unknown) => Array.isArray(value) && value.length > 0;
  const hasContent = typeof payload.content === "string" && payload.content.trim() !== "";
  return !(
    hasContent ||
    nonEmptyList(payload.embeds) ||
    nonEmptyList(payload.sticker_ids) ||
    nonEmptyList(payload.components) ||
    uploads.length > 0 ||
    isObject(payload.poll) ||
    isObject(payload.shared_client_theme)
  );
}

function checkNonce(errors: FormErrors, payload: Record<string, unknown>): void {
  const { nonce } = payload;
  if (typeof nonce === "number") {
    if (!Number.isSafeInteger(nonce)) errors.add(["nonce"], "NUMBER_TYPE_COERCE", `Value ${nonce} is not int.`);
  } else {
    checkString(errors, ["nonce"], nonce, { max: 25 });
  }
  checkBoolean(errors, ["enforce_nonce"], payload.enforce_nonce);
}

function checkWebhookIdentity(errors: FormErrors, payload: Record<string, unknown>): void {
  const username = checkString(errors, ["username"], payload.username, { min: 1, max: 80 });
  for (const banned of ["discord", "clyde"]) {
    if (username?.toLowerCase().includes(banned)) {
      errors.add(["username"], "USERNAME_INVALID_CONTAINS", `Username cannot contain "${banned}"`);
    }
  }
  checkUrl(errors, ["avatar_url"], payload.avatar_url);
}

function checkAllowedMentions(errors: FormErrors, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) {
    errors.add(["allowed_mentions"], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return;
  }
  const parse = checkArray(errors, ["allowed_mentions", "parse"], value.parse) ?? [];
  parse.forEach((type, index) => {
    if (typeof type !== "string" || !MENTION_TYPES.includes(type)) {
      errors.add(
        ["allowed_mentions", "parse", index],
        "ENUM_TYPE_COERCE",
        `Value ${JSON.stringify(type)} is not a valid enum value.`,
      );
    }
  });
  checkBoolean(errors, ["allowed_mentions", "replied_user"], value.replied_user);
  for (const kind of ["users", "roles"] as const) {
    const ids = checkSnowflakeList(errors, ["allowed_mentions", kind], value[kind], 100);
    // The docs: `parse` and an explicit id list of the same kind are mutually exclusive.
    if (parse.includes(kind) && ids.length > 0) {
      errors.add(
        ["allowed_mentions"],
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      );
    }
  }
}

/**
 * Matches `attachments` entries to `files[n]` uploads: a new attachment's id must be the
 * `n` of an uploaded part; on edits an id may also name an attachment already on the message.
 */
function resolveAttachments(
  errors: FormErrors,
  value: unknown,
  parts: readonly UploadedPart[],
  rules: MessageRules,
): ValidatedMessage {
  const entries = checkArray(errors, ["attachments"], value, 10);
  const named = new Map<number, string>();
  const listed = new Set<number>();
  const kept: string[] = [];
  entries?.forEach((entry, index) => {
    const path = ["attachments", index];
    if (!isObject(entry)) {
      errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
      return;
    }
    const filename = checkString(errors, [...path, "filename"], entry.filename, { min: 1, max: 1024 });
    checkString(errors, [...path, "description"], entry.description, { max: 1024 });
    const id = String(entry.id ?? "");
    if (rules.existing?.has(id)) {
      kept.push(id);
    } else if (/^\d{1,3}$/.test(id) && parts.some((part) => part.index === Number(id))) {
      listed.add(Number(id));
      if (filename !== undefined) named.set(Number(id), filename);
    } else {
      errors.add(
        [...path, "id"],
        "FAKE_ATTACHMENT_NOT_UPLOADED",
        `Attachment id ${JSON.stringify(entry.id)} matches no files[n] part.`,
      );
    }
  });
  if (parts.length > 10) errors.add(["files"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");

  const uploads: NamedUpload[] = [];
  for (const part of parts) {
    const name = named.get(part.index) ?? part.filename;
    if (!name) errors.add([`files[${part.index}]`], "BASE_TYPE_REQUIRED", "An uploaded file needs a filename.");
    // API v10 edits keep only the attachments listed in `attachments`, new uploads included.
    if (rules.mode === "edit" && entries && !listed.has(part.index)) continue;
    uploads.push({ ...part, name });
  }
  return { uploads, keptAttachmentIds: rules.mode === "edit" && entries ? kept : undefined };
}

/**
 * Embed limits from Discord's "Embed Limits" table: title 256, description 4096,
 * 25 fields (name 256, value 1024), footer text 2048, author name 256, and 6000
 * characters summed over all embeds of a message. Lengths are measured after
 * trimming, as Discord trims them.
 */
import type { FormErrors } from "./errors.ts";
import { charCount, checkArray, checkBoolean, checkInteger, checkString, checkUrl, isObject } from "./fields.ts";

export const MAX_EMBEDS = 10;
export const MAX_EMBED_TOTAL_CHARS = 6000;

/** Where an embed points at an uploaded file with `attachment://name`. */
export interface AttachmentReference {
  path: (string | number)[];
  name: string;
}

/** Checks `embeds`; returns every `attachment://` reference found so the caller can match them to uploads. */
export function checkEmbeds(errors: FormErrors, value: unknown): AttachmentReference[] {
  const embeds = checkArray(errors, ["embeds"], value, MAX_EMBEDS);
  if (!embeds) return [];
  const references: AttachmentReference[] = [];
  let total = 0;
  embeds.forEach((embed, index) => {
    if (!isObject(embed)) {
      errors.add(["embeds", index], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
      return;
    }
    total += checkEmbed(errors, index, embed, references);
  });
  if (total > MAX_EMBED_TOTAL_CHARS) {
    errors.add(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", `Embed size exceeds maximum size of ${MAX_EMBED_TOTAL_CHARS}`);
  }
  return references;
}

/** Checks one embed and returns how many characters it adds to the 6000 total. */
function checkEmbed(
  errors: FormErrors,
  index: number,
  embed: Record<string, unknown>,
  references: AttachmentReference[],
): number {
  const at = (...rest: (string | number)[]) => ["embeds", index, ...rest];
  let chars = 0;
  const counted = (text: string | undefined) => {
    if (text !== undefined) chars += charCount(text.trim());
  };

  counted(checkString(errors, at("title"), embed.title, { max: 256, trim: true }));
  counted(checkString(errors, at("description"), embed.description, { max: 4096, trim: true }));
  checkUrl(errors, at("url"), embed.url);
  checkInteger(errors, at("color"), embed.color, 0, 0xffffff);
  checkTimestamp(errors, at("timestamp"), embed.timestamp);

  const fields = checkArray(errors, at("fields"), embed.fields, 25) ?? [];
  fields.forEach((field, fieldIndex) => {
    if (!isObject(field)) {
      errors.add(at("fields", fieldIndex), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
      return;
    }
    counted(
      checkString(errors, at("fields", fieldIndex, "name"), field.name, { required: true, max: 256, trim: true }),
    );
    counted(
      checkString(errors, at("fields", fieldIndex, "value"), field.value, { required: true, max: 1024, trim: true }),
    );
    checkBoolean(errors, at("fields", fieldIndex, "inline"), field.inline);
  });

  const footer = optionalObject(errors, at("footer"), embed.footer);
  if (footer) {
    counted(checkString(errors, at("footer", "text"), footer.text, { required: true, max: 2048, trim: true }));
    checkImageUrl(errors, at("footer", "icon_url"), footer.icon_url, false, references);
  }
  const author = optionalObject(errors, at("author"), embed.author);
  if (author) {
    counted(checkString(errors, at("author", "name"), author.name, { required: true, max: 256, trim: true }));
    checkUrl(errors, at("author", "url"), author.url);
    checkImageUrl(errors, at("author", "icon_url"), author.icon_url, false, references);
  }
  for (const key of ["image", "thumbnail"] as const) {
    const media = optionalObject(errors, at(key), embed[key]);
    if (media) checkImageUrl(errors, at(key, "url"), media.url, true, references);
  }
  return chars;
}

function optionalObject(
  errors: FormErrors,
  path: (string | number)[],
  value: unknown,
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return undefined;
  }
  return value;
}

function checkImageUrl(
  errors: FormErrors,
  path: (string | number)[],
  value: unknown,
  required: boolean,
  references: AttachmentReference[],
): void {
  checkUrl(errors, path, value, { required, allowAttachment: true });
  if (typeof value === "string" && value.startsWith("attachment://")) {
    references.push({ path, name: value.slice("attachment://".length) });
  }
}

function checkTimestamp(errors: FormErrors, path: (string | number)[], value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    errors.add(path, "DATE_TYPE_PARSE", `Could not parse ${JSON.stringify(value)}. Should be ISO8601.`);
  }
}

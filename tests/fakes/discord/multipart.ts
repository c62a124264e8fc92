/**
 * Turns a request body into Discord's `{ payload, files }` pair, the way Discord reads it:
 * `application/json`, or `multipart/form-data` with a `payload_json` part and files in
 * `files[n]` parts. Multipart is parsed by the platform's own parser (`Request.formData()`),
 * not by hand.
 */
import { entityTooLarge, fieldError, invalidJson } from "./errors.ts";

/** Discord's upload limit for a server without boosts. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Discord's limit for a whole message request. */
export const MAX_REQUEST_BYTES = 25 * 1024 * 1024;

/** A `files[n]` part, before the message decides its effective name and id. */
export interface UploadedPart {
  /** The `n` in `files[n]`; `attachments[].id` refers to it. */
  index: number;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface ParsedBody {
  /** The JSON object (or `{}` when the request carried no JSON at all). */
  payload: Record<string, unknown>;
  files: UploadedPart[];
}

const FILE_FIELD = /^files\[(\d+)\]$/;

/** Parses a request body; throws a DiscordHttpError with Discord's code for each way it can be malformed. */
export async function parseRequestBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length > MAX_REQUEST_BYTES) throw entityTooLarge();
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "application/json") return { payload: parseJsonObject(raw.toString("utf8")), files: [] };
  if (mediaType === "multipart/form-data") return parseMultipart(contentType ?? "", raw);
  if (raw.length === 0) return { payload: {}, files: [] };
  throw fieldError(
    [],
    "CONTENT_TYPE_INVALID",
    `Expected Content-Type application/json or multipart/form-data, got ${JSON.stringify(contentType ?? "")}.`,
  );
}

/** Parses a JSON body of any shape (commands are an array); answers 50109 for invalid JSON. */
export function parseJsonBody(contentType: string | undefined, raw: Buffer): unknown {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType !== "application/json") {
    throw fieldError(
      [],
      "CONTENT_TYPE_INVALID",
      `Expected Content-Type application/json, got ${JSON.stringify(contentType ?? "")}.`,
    );
  }
  return parseJson(raw.toString("utf8"));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJson();
  }
}

function parseJsonObject(text: string): Record<string, unknown> {
  const value = parseJson(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw fieldError([], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
  }
  return value as Record<string, unknown>;
}

async function parseMultipart(contentType: string, raw: Buffer): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Request("http://discord-fake.invalid/", {
      method: "POST",
      headers: { "content-type": contentType },
      body: new Uint8Array(raw),
    }).formData();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fieldError([], "MULTIPART_INVALID", `The multipart/form-data body could not be parsed: ${reason}`);
  }

  let payload: Record<string, unknown> = {};
  const files: UploadedPart[] = [];
  const entries: [string, FormDataEntryValue][] = [];
  form.forEach((value, field) => {
    entries.push([field, value]);
  });
  for (const [field, value] of entries) {
    if (field === "payload_json") {
      if (typeof value !== "string") {
        throw fieldError(["payload_json"], "BASE_TYPE_STRING", "payload_json must be a text part, not a file.");
      }
      payload = parseJsonObject(value);
      continue;
    }
    const match = FILE_FIELD.exec(field);
    if (typeof value === "string" || !match) {
      // Discord also reads loose form fields, but Herald always sends payload_json; a stray field is a bug.
      throw fieldError(
        [field],
        "FAKE_UNEXPECTED_FORM_FIELD",
        `Unexpected form field ${JSON.stringify(field)}: send JSON in payload_json and files as files[n].`,
      );
    }
    const index = Number(match[1]);
    if (files.some((file) => file.index === index)) {
      throw fieldError([field], "FAKE_DUPLICATE_FILE_FIELD", `${field} appears more than once.`);
    }
    if (value.size > MAX_FILE_BYTES) throw entityTooLarge();
    files.push({
      index,
      filename: value.name,
      contentType: value.type || "application/octet-stream",
      bytes: Buffer.from(await value.arrayBuffer()),
    });
  }
  return { payload, files };
}

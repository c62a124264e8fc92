/** Small field checks shared by the validators, each adding Discord's error code and wording. */
import type { FieldPath, FormErrors } from "./errors.ts";

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Discord's backend counts Unicode code points, not UTF-16 units. */
export function charCount(text: string): number {
  return [...text].length;
}

/** A string field: type check, then optional length bounds (counted in code points, trimmed when `trim`). Returns the string or undefined. */
export function checkString(
  errors: FormErrors,
  path: FieldPath,
  value: unknown,
  bounds: {
    min?: number | undefined;
    max?: number | undefined;
    required?: boolean | undefined;
    trim?: boolean | undefined;
  } = {},
): string | undefined {
  if (value === undefined || value === null) {
    if (bounds.required) errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
    return undefined;
  }
  if (typeof value !== "string") {
    errors.add(path, "BASE_TYPE_STRING", `Could not interpret ${JSON.stringify(value)} as string.`);
    return undefined;
  }
  const length = charCount(bounds.trim ? value.trim() : value);
  if (bounds.required && length === 0) {
    errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
  } else if (bounds.min !== undefined && length < bounds.min) {
    errors.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between ${bounds.min} and ${bounds.max ?? "∞"} in length.`);
  } else if (bounds.max !== undefined && length > bounds.max) {
    errors.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${bounds.max} or fewer in length.`);
  }
  return value;
}

/** An array field with an optional maximum length. Returns the array or undefined. */
export function checkArray(errors: FormErrors, path: FieldPath, value: unknown, max?: number): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    errors.add(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType");
    return undefined;
  }
  if (max !== undefined && value.length > max) {
    errors.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  }
  return value;
}

export function checkBoolean(errors: FormErrors, path: FieldPath, value: unknown): void {
  if (value !== undefined && value !== null && typeof value !== "boolean") {
    errors.add(path, "BASE_TYPE_BOOLEAN", "Must be either true or false.");
  }
}

export function checkInteger(errors: FormErrors, path: FieldPath, value: unknown, min: number, max: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    errors.add(path, "NUMBER_TYPE_COERCE", `Value ${JSON.stringify(value)} is not int.`);
  } else if (value < min || value > max) {
    errors.add(path, "NUMBER_TYPE_MAX", `int value should be between ${min} and ${max}.`);
  }
}

/** A URL field; `attachment://` is accepted only where Discord accepts it (images and icons). */
export function checkUrl(
  errors: FormErrors,
  path: FieldPath,
  value: unknown,
  opts: { required?: boolean; allowAttachment?: boolean } = {},
): void {
  const text = checkString(errors, path, value, { required: opts.required, max: 2048 });
  if (text === undefined) return;
  let scheme: string;
  try {
    scheme = new URL(text).protocol.replace(/:$/, "");
  } catch {
    errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.");
    return;
  }
  const allowed = opts.allowAttachment ? ["http", "https", "attachment"] : ["http", "https"];
  if (!allowed.includes(scheme)) {
    errors.add(
      path,
      "URL_TYPE_INVALID_SCHEME",
      `Scheme "${scheme}" is not supported. Scheme must be one of (${allowed.map((s) => `'${s}'`).join(", ")}).`,
    );
  }
}

export function checkSnowflakeList(errors: FormErrors, path: FieldPath, value: unknown, max: number): string[] {
  const list = checkArray(errors, path, value, max) ?? [];
  const ids: string[] = [];
  list.forEach((item, index) => {
    if ((typeof item === "string" && /^\d{1,20}$/.test(item)) || (typeof item === "number" && Number.isInteger(item))) {
      ids.push(String(item));
    } else {
      errors.add([...path, index], "NUMBER_TYPE_COERCE", `Value ${JSON.stringify(item)} is not snowflake.`);
    }
  });
  return ids;
}

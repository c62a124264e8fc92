/**
 * Application command bulk overwrite (`PUT /applications/{id}/commands`, and the guild
 * variant), validated with Discord's naming rules: CHAT_INPUT command and option names
 * match `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$` in lowercase, descriptions are
 * 1–100 characters, at most 25 options and 25 choices, required options first, and at
 * most 4000 characters of names, descriptions and choice values per command.
 */
import { type FieldPath, FormErrors, fieldError } from "./errors.ts";
import { charCount, checkArray, checkBoolean, checkString, isObject } from "./fields.ts";
import { fakeSnowflake } from "./snowflake.ts";

const CHAT_INPUT = 1;
const COMMAND_TYPES = [1, 2, 3, 4];
const SUBCOMMAND = 1;
const SUBCOMMAND_GROUP = 2;
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_COMBINED_CHARS = 4000;

/** Validates a bulk overwrite body; returns the commands as Discord answers them (with ids and version). */
export function overwriteCommands(
  body: unknown,
  applicationId: string,
  guildId: string | null,
): Record<string, unknown>[] {
  if (!Array.isArray(body)) throw fieldError([], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType");
  const errors = new FormErrors();
  checkArray(errors, [], body, 100);
  const seen = new Set<string>();
  body.forEach((command, index) => {
    if (!isObject(command)) {
      errors.add([index], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
      return;
    }
    checkCommand(errors, index, command);
    const key = `${command.type ?? CHAT_INPUT}:${String(command.name)}`;
    if (seen.has(key)) {
      errors.add([index, "name"], "APPLICATION_COMMANDS_DUPLICATE_NAME", `Application command names must be unique`);
    }
    seen.add(key);
  });
  errors.throwIfAny();

  const version = fakeSnowflake();
  return (body as Record<string, unknown>[]).map((command) => ({
    ...command,
    id: fakeSnowflake(),
    application_id: applicationId,
    ...(guildId ? { guild_id: guildId } : {}),
    type: command.type ?? CHAT_INPUT,
    description: command.description ?? "",
    default_member_permissions: command.default_member_permissions ?? null,
    version,
  }));
}

function checkCommand(errors: FormErrors, index: number, command: Record<string, unknown>): void {
  const type = command.type ?? CHAT_INPUT;
  if (typeof type !== "number" || !COMMAND_TYPES.includes(type)) {
    errors.add([index, "type"], "ENUM_TYPE_COERCE", `Value ${JSON.stringify(type)} is not a valid enum value.`);
    return;
  }
  if (type === CHAT_INPUT) {
    checkChatInputName(errors, [index, "name"], command.name);
    checkString(errors, [index, "description"], command.description, { required: true, min: 1, max: 100 });
    checkOptions(errors, [index, "options"], command.options, 0);
    const combined = combinedChars(command);
    if (combined > MAX_COMBINED_CHARS) {
      errors.add(
        [index],
        "APPLICATION_COMMAND_TOO_LARGE",
        `Command exceeds maximum size (${MAX_COMBINED_CHARS}); it has ${combined} characters.`,
      );
    }
  } else {
    // USER and MESSAGE commands may be mixed case with spaces, and take no description or options.
    checkString(errors, [index, "name"], command.name, { required: true, min: 1, max: 32 });
    if (command.description !== undefined && command.description !== "") {
      errors.add([index, "description"], "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Description must be empty.");
    }
    if (Array.isArray(command.options) && command.options.length > 0) {
      errors.add(
        [index, "options"],
        "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED",
        "Context menu commands cannot have options.",
      );
    }
  }
  checkBoolean(errors, [index, "nsfw"], command.nsfw);
}

function checkChatInputName(errors: FormErrors, path: FieldPath, value: unknown): void {
  const name = checkString(errors, path, value, { required: true, min: 1, max: 32 });
  if (name === undefined) return;
  if (!CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase()) {
    errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  }
}

function checkOptions(errors: FormErrors, path: FieldPath, value: unknown, depth: number): void {
  const options = checkArray(errors, path, value, 25) ?? [];
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((option, index) => {
    const at = [...path, index];
    if (!isObject(option)) {
      errors.add(at, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
      return;
    }
    if (typeof option.type !== "number" || !Number.isInteger(option.type) || option.type < 1 || option.type > 11) {
      errors.add(
        [...at, "type"],
        "ENUM_TYPE_COERCE",
        `Value ${JSON.stringify(option.type)} is not a valid enum value.`,
      );
    }
    checkChatInputName(errors, [...at, "name"], option.name);
    if (typeof option.name === "string") {
      if (names.has(option.name)) {
        errors.add([...at, "name"], "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS", "Option names must be unique");
      }
      names.add(option.name);
    }
    checkString(errors, [...at, "description"], option.description, { required: true, min: 1, max: 100 });
    checkBoolean(errors, [...at, "required"], option.required);
    if (option.required === true && sawOptional) {
      errors.add(
        [...at, "required"],
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        "Required options must be placed before non-required options",
      );
    }
    if (option.required !== true) sawOptional = true;
    checkArray(errors, [...at, "choices"], option.choices, 25);
    const nests = option.type === SUBCOMMAND || option.type === SUBCOMMAND_GROUP;
    if (nests && depth < 2) checkOptions(errors, [...at, "options"], option.options, depth + 1);
  });
}

/** Names, descriptions and choice values of a command and all its options, in code points. */
function combinedChars(node: Record<string, unknown>): number {
  let total = 0;
  for (const key of ["name", "description", "value"]) {
    const value = node[key];
    if (typeof value === "string") total += charCount(value);
  }
  for (const key of ["options", "choices"]) {
    const children = node[key];
    if (Array.isArray(children)) {
      for (const child of children) if (isObject(child)) total += combinedChars(child);
    }
  }
  return total;
}

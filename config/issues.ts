import type { z } from "zod";
import { nearestKey } from "./nearest-key.ts";

type Path = readonly PropertyKey[];

/** `["feeds", 2, "interval"]` → `feeds[2].interval`: the path as a reader finds it in the YAML. */
export function keyPath(path: Path): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    "",
  );
}

/**
 * Zod's error map for a config parse. Unknown keys come from strict objects wherever they sit in the schema, so
 * the keys the object does know are read from the object itself (`issue.inst`): no list of sections to keep in step.
 * Zod calls the map once the issue has its full path, so the message can name it.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "unrecognized_keys") {
    const known = Object.keys(shapeOf(issue.inst));
    return issue.keys.map((key) => unknownKeyLine([...(issue.path ?? []), key], known)).join("\n");
  }
  // A misspelt choice (`mode: gatway`, `type: rsss`) gets the same help as a misspelt key.
  if (issue.code === "invalid_value") return choiceMessage(issue.input, issue.values);
  return undefined;
};

function choiceMessage(input: unknown, choices: readonly unknown[]): string | undefined {
  const named = choices.filter((choice): choice is string => typeof choice === "string");
  if (typeof input !== "string" || named.length === 0 || named.length !== choices.length) return undefined;
  const suggestion = nearestKey(input, named);
  return `${quoted(input)} is not one of ${named.join(", ")}${suggestion ? ` — did you mean "${suggestion}"?` : ""}`;
}

/** Quoted with escapes, so a key or value holding a newline or a control character cannot break or forge a line. */
function quoted(text: string): string {
  return JSON.stringify(text);
}

function shapeOf(schema: unknown): Record<string, unknown> {
  const def = (schema as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return def?.shape ?? {};
}

function unknownKeyLine(path: Path, known: string[]): string {
  const key = String(path.at(-1));
  const where = path.length === 1 ? `${quoted(key)} at top level` : quoted(keyPath(path));
  const suggestion = nearestKey(key, known);
  if (suggestion) return `unknown key ${where} — did you mean "${suggestion}"?`;
  return `unknown key ${where} — known keys there: ${known.join(", ")}`;
}

/**
 * One line per problem: an unknown key's lines as the error map wrote them, any other issue as `path: reason`.
 * `input` is what was parsed: a discriminated union's "no matching type" comes with its message already written
 * (the error map never sees it), so the misspelt type is looked up there to suggest the nearest one.
 */
export function problemLines(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") return issue.message.split("\n");
    const options = issue.code === "invalid_union" ? (issue as { options?: unknown }).options : undefined;
    const reason = (Array.isArray(options) && choiceMessage(valueAt(input, issue.path), options)) || issue.message;
    return [oneLine(`${keyPath(issue.path) || "(root)"}: ${reason}`)];
  });
}

/** Messages may quote the config's own text (`'5m\n…' is not a duration`): control characters are escaped, one problem stays one line. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path)
    node = node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}

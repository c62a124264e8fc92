import type { z } from "zod";
import { nearestKey } from "./nearest-key.ts";

type Path = readonly PropertyKey[];

/** `["feeds", 2, "interval"]` → `feeds[2].interval`: the path as a reader finds it in the YAML. */
export function keyPath(path: Path): string {
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), "");
}

/**
 * Zod's error map for a config parse. Unknown keys come from strict objects wherever they sit in the schema, so
 * the keys the object does know are read from the object itself (`issue.inst`): no list of sections to keep in step.
 * Zod calls the map once the issue has its full path, so the message can name it.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== "unrecognized_keys") return undefined;
  const known = Object.keys(shapeOf(issue.inst));
  return issue.keys.map((key) => unknownKeyLine([...(issue.path ?? []), key], known)).join("\n");
};

function shapeOf(schema: unknown): Record<string, unknown> {
  const def = (schema as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return def?.shape ?? {};
}

function unknownKeyLine(path: Path, known: string[]): string {
  const key = String(path.at(-1));
  const where = path.length === 1 ? `"${key}" at top level` : `"${keyPath(path)}"`;
  const suggestion = nearestKey(key, known);
  if (suggestion) return `unknown key ${where} — did you mean "${suggestion}"?`;
  return `unknown key ${where} — known keys there: ${known.join(", ")}`;
}

/** One line per problem: an unknown key's lines as the error map wrote them, any other issue as `path: reason`. */
export function problemLines(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => (issue.code === "unrecognized_keys" ? issue.message.split("\n") : [`${keyPath(issue.path) || "(root)"}: ${issue.message}`]));
}

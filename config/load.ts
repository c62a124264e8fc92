import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { platforms } from "../adapters/registry.ts";
import { configErrorMap, keyPath, problemLines } from "./issues.ts";
import { configSchemaFor, type HeraldConfig } from "./schema.ts";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export const DEFAULT_CONFIG_PATH = "config/herald.yaml";

/**
 * Reads, interpolates and validates the config once, at start. Every problem
 * is reported with its key path, so a bad config never fails later at run time.
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): HeraldConfig {
  const file = path ?? env.HERALD_CONFIG ?? DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`config ${file}: cannot read the file (${code ?? String(error)})`);
  }
  return parseConfig(text, file, env);
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): HeraldConfig {
  // `${VAR}` is swapped for a plain placeholder before YAML sees it (`{ token: ${X} }` is not valid
  // flow YAML), and the value goes in after parsing, so no env value can change the YAML's structure.
  const references: { name: string; fallback: string | undefined }[] = [];
  const masked = text.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/gi,
    (_, name: string, fallback: string | undefined) => {
      references.push({ name, fallback });
      return `__HERALD_ENV_${references.length - 1}__`;
    },
  );
  let raw: unknown;
  try {
    raw = yaml.load(masked, { schema: yaml.CORE_SCHEMA }) ?? {};
  } catch (error) {
    throw new ConfigError(`config ${file}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const interpolated = interpolate(raw, (placeholder, path) => {
    const ref = references[Number(placeholder)] as (typeof references)[number];
    const found = env[ref.name];
    if (found !== undefined && found !== "") return found;
    if (ref.fallback !== undefined) return ref.fallback;
    throw new ConfigError(
      `config ${file}: ${keyPath(path)}: environment variable ${ref.name} is not set. Set ${ref.name}, or write the value in the file`,
    );
  });
  if (env.REDIS_URL) setPath(interpolated, ["redis", "url"], env.REDIS_URL);
  if (env.HERALD_DB) setPath(interpolated, ["database", "path"], env.HERALD_DB);
  if (env.DATABASE_URL) setPath(interpolated, ["database", "url"], env.DATABASE_URL);
  // API base overrides, so the whole bot can run against loopback servers.
  const root = interpolated as Record<string, unknown>;
  const known = platforms();
  for (const platform of known) {
    const override = env[platform.apiUrlEnv];
    if (override && root[platform.id]) setPath(root, [platform.id, "apiUrl"], override);
  }

  const result = configSchemaFor(known).safeParse(interpolated, { error: configErrorMap });
  if (!result.success) {
    // Each line stands alone (`config herald.yaml: unknown key …`): one problem is exactly one line.
    throw new ConfigError(
      problemLines(result.error.issues, interpolated)
        .map((line) => `config ${file}: ${line}`)
        .join("\n"),
    );
  }
  return result.data;
}

/** Puts environment values back where their placeholders ended up. */
function interpolate(
  value: unknown,
  lookup: (index: string, path: (string | number)[]) => string,
  path: (string | number)[] = [],
): unknown {
  if (typeof value === "string")
    return value.replace(/__HERALD_ENV_(\d+)__/g, (_, index: string) => lookup(index, path));
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, lookup, [...path, i]));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, lookup, [...path, k])]));
  }
  return value;
}

function setPath(target: unknown, path: string[], value: string): void {
  if (!target || typeof target !== "object") return;
  let node = target as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
}

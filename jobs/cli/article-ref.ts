import { parseArgs } from "node:util";
import { loadConfig } from "../../config/load.ts";
import type { HeraldConfig } from "../../config/schema.ts";

/**
 * `<article ref> [--config <file>]`, the arguments of the commands about one article, with the config
 * loaded; null (after printing `usage`) when the ref is missing.
 */
export function articleRefArgs(argv: string[], usage: string): { ref: string; config: HeraldConfig } | null {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: "string", short: "c" } },
  });
  const ref = positionals[0];
  if (!ref) {
    console.error(usage);
    return null;
  }
  return { ref, config: loadConfig(values.config) };
}

import { redactSecrets } from "../../src/net/redact.ts";
import { stripControlsInLine } from "../../src/text/controls.ts";

/**
 * A stored string as one safe terminal line. Titles and reasons come from
 * strangers: ESC/OSC sequences would drive the operator's terminal, bidi
 * controls would reorder the line, and old rows may predate redaction.
 */
export function shown(text: string): string {
  return stripControlsInLine(redactSecrets(text));
}

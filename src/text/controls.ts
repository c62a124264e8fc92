/**
 * Invisible characters that change how text is shown rather than what it
 * says: C0/C1 controls (a terminal reads ESC and BEL as commands: colours,
 * window titles, OSC 8 links), DEL, and the bidi overrides and isolates that
 * make "gnp.exe" read as "exe.png". ZWJ/ZWNJ (U+200C/U+200D) are kept: emoji
 * sequences and Indic and Persian spelling need them.
 */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const ANY_CONTROL = new RegExp(CONTROLS.source);
const CONTROLS_AND_BREAKS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text without control and bidi characters; line breaks (`\n`) and tabs stay. `\r` goes (`\r\n` becomes `\n`). */
export function stripControls(text: string): string {
  return text.replace(CONTROLS, "");
}

/**
 * One line without control and bidi characters: line breaks and tabs become
 * spaces. For terminal output and other single-line places.
 */
export function stripControlsInLine(text: string): string {
  return text.replace(/\r?\n|\t/g, " ").replace(CONTROLS_AND_BREAKS, "");
}

/** True when `text` holds something {@link stripControls} would remove. */
export function hasControls(text: string): boolean {
  return ANY_CONTROL.test(text);
}

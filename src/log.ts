/**
 * The one logger shape Herald writes to, in pino's own call form: fields first, then the message
 * (`log.warn({ channelId }, "card upload failed")`), or a bare message. A pino logger is one, so
 * `jobs/` passes its pino logger (or a child of it) to every part, and nothing in `src/` or
 * `adapters/` needs to know about pino.
 */
export interface Log {
  debug: LogLine;
  info: LogLine;
  warn: LogLine;
  error: LogLine;
  /** A logger adding `fields` to every line, e.g. `log.child({ feedId })` for one feed's work. */
  child(fields: Record<string, unknown>): Log;
}

export interface LogLine {
  (fields: object, message?: string): void;
  (message: string): void;
}

/** Drops every line: the default where a logger is optional. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLog };

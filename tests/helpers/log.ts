import { Writable } from "node:stream";
import type { Log } from "../../src/log.ts";

/** A stream for createLogger that hands each written log line (one JSON object) to `onLine`. */
export function lineSink(onLine: (line: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) onLine(line);
      done();
    },
  });
}

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * A {@link Log} handing each line to `write` with its level, its fields (a child's fields merged in) and its
 * message, for tests that assert on what a part logged without going through pino's JSON.
 */
export function recordingLog(
  write: (level: LogLevel, fields: Record<string, unknown>, message: string) => void,
  bound: Record<string, unknown> = {},
): Log {
  const at =
    (level: LogLevel) =>
    (fieldsOrMessage: object | string, message?: string): void => {
      if (typeof fieldsOrMessage === "string") write(level, { ...bound }, fieldsOrMessage);
      else write(level, { ...bound, ...(fieldsOrMessage as Record<string, unknown>) }, message ?? "");
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (fields) => recordingLog(write, { ...bound, ...fields }),
  };
}

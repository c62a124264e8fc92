import { Writable } from "node:stream";

/** A stream for createLogger that hands each written log line (one JSON object) to `onLine`. */
export function lineSink(onLine: (line: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) onLine(line);
      done();
    },
  });
}

/**
 * A hostile HTTP client on a raw socket: it streams a request body as fast as
 * the socket takes it and stops at the first byte of an answer, counting the
 * body bytes it managed to hand to the socket. node's own clients cannot do
 * this (fetch buffers, http.request hides when the server stopped reading).
 */
import { connect } from "node:net";

export interface StreamedRequest {
  port: number;
  path: string;
  headers?: Record<string, string>;
  /** Body bytes to try to send. */
  totalBytes: number;
  /** Sent as Content-Length when true; chunked (no declared length) otherwise. */
  declareLength?: boolean;
  /** Milliseconds before giving up on an answer (the socket is then destroyed). */
  timeoutMs?: number;
  /**
   * Wait this long between 64 KiB chunks. Unpaced, the client writes as fast as
   * the kernel buffers take it (several MB on loopback) whether or not the server
   * reads; paced, what was written tracks what the server read.
   */
  paceMs?: number;
}

export interface StreamedAnswer {
  /** The answer's status, or null when the connection closed without one. */
  status: number | null;
  /** Answer headers (lower-cased names), when one came. */
  headers: Record<string, string>;
  /** Body bytes written to the socket before the answer or the close. */
  written: number;
  /** Why the connection ended without an answer (ECONNRESET, EPIPE, "closed", "timeout"). */
  failure?: string;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

export function streamRequest(request: StreamedRequest): Promise<StreamedAnswer> {
  return new Promise((resolve) => {
    const socket = connect(request.port, "127.0.0.1");
    let written = 0;
    let done = false;
    let received = Buffer.alloc(0);
    const headers: Record<string, string> = {};
    const finish = (status: number | null, failure?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, headers, written, ...(failure ? { failure } : {}) });
    };
    const timer = setTimeout(() => finish(null, "timeout"), request.timeoutMs ?? 30_000);
    socket.on("data", (data: Buffer) => {
      received = Buffer.concat([received, data]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [statusLine, ...lines] = received.subarray(0, end).toString("latin1").split("\r\n");
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      finish(Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? "")?.[1] ?? Number.NaN));
    });
    socket.on("error", (error: NodeJS.ErrnoException) => finish(null, error.code ?? error.message));
    socket.on("close", () => finish(null, "closed"));
    socket.on("connect", async () => {
      const head = Object.entries({
        host: `127.0.0.1:${request.port}`,
        ...(request.declareLength
          ? { "content-length": String(request.totalBytes) }
          : { "transfer-encoding": "chunked" }),
        ...request.headers,
      })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("");
      socket.write(`POST ${request.path} HTTP/1.1\r\n${head}\r\n`);
      while (!done && written < request.totalBytes) {
        const piece = CHUNK.subarray(0, Math.min(CHUNK.length, request.totalBytes - written));
        const frame = request.declareLength
          ? [piece]
          : [Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")];
        let flushed = true;
        for (const part of frame) flushed = socket.write(part) && flushed;
        written += piece.length;
        if (!flushed) await new Promise((r) => socket.once("drain", r).once("close", r));
        // Lets an answer that has arrived stop the loop before the next chunk.
        await new Promise((r) => (request.paceMs ? setTimeout(r, request.paceMs) : setImmediate(r)));
      }
      if (!done && !request.declareLength) socket.write("0\r\n\r\n");
    });
  });
}

/** The resident set size of a process, from /proc (Linux). */
export async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return kb * 1024;
}

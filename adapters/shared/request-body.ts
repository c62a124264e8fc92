/**
 * Reading request bodies that nobody has authenticated yet. The limit is
 * enforced on the bytes as they arrive, so a chunked body (no Content-Length)
 * costs at most `limit` bytes of memory, and reading stops the moment it is
 * passed. Whoever answers the request closes the connection afterwards
 * ({@link closeUnlessBodyRead}): the rest of the body is never kept.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** The body passed its limit (declared or counted); nothing past the limit was kept. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
  }
}

/** The client went away (or the socket failed) before the whole body arrived: nobody is left to answer. */
export class BodyAbortedError extends Error {
  override name = "BodyAbortedError";
}

/** Reads the whole body, or rejects with {@link BodyTooLargeError} once it passes `limit` bytes. */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: Error | null) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (error) {
        chunks.length = 0;
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(new BodyTooLargeError(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (error: Error) =>
      finish(new BodyAbortedError(`request body aborted: ${(error as { code?: string }).code ?? error.message}`));
    // "close" before "end" means the client hung up mid-body.
    const onClose = () => finish(new BodyAbortedError("request body aborted: connection closed"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/** How long a refused client gets to read the answer before its connection is destroyed. */
const LINGER_MS = 1000;
const lingering = Symbol("herald.lingering");

/**
 * Closes a connection whose request body was not read to the end once the
 * answer is out, instead of node:http draining the unread rest (which may be
 * endless) to keep the connection alive. Call it before answering; it does
 * nothing when the body was read. Destroying the socket at once would make a
 * client that is still writing see a reset instead of the answer (unread
 * bytes turn the close into an RST), so our side is shut (FIN) and reading
 * stopped — what the client still sends stays in the kernel's buffers, not
 * in Herald — and the socket is destroyed a second later.
 */
export function closeUnlessBodyRead(req: IncomingMessage, res: ServerResponse): void {
  const flagged = req as IncomingMessage & { [lingering]?: true };
  if (flagged[lingering]) return;
  flagged[lingering] = true;
  res.once("finish", () => {
    if (req.complete) return;
    const socket = req.socket;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    socket.end();
    // node:http resumes an unread request on the next tick to drain it; pausing after that stops the reading.
    setImmediate(() => {
      req.pause();
      socket.pause();
    });
  });
}

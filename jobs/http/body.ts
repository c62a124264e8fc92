/**
 * Request bodies on Herald's node:http server: streamed to handlers as a web
 * stream that reads only when asked, read under a byte limit
 * (adapters/shared/request-body.ts counts the bytes), and never drained when left unread.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyAbortedError, BodyTooLargeError, readRequestBody } from "../../adapters/shared/request-body.ts";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Reads the whole body, refusing more than `maxBytes` (413) as soon as the
 * declared length or the bytes received so far pass it. A client that hangs
 * up mid-body rejects with BodyAbortedError (there is nobody to answer).
 */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer> {
  try {
    return await readRequestBody(request, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new HttpError(413, error.message);
    throw error;
  }
}

/**
 * A node:http request body as a web stream that reads from the socket only
 * when asked (high-water mark 0: nothing is read ahead of the reader), so a
 * reader that stops at its limit stops the socket reads there too. A
 * connection closed before the end errors the stream with {@link BodyAbortedError}.
 */
export class NodeRequestBody {
  readonly stream: ReadableStream<Uint8Array>;
  /** Set once the client hung up (or the socket failed) mid-body. */
  aborted: BodyAbortedError | null = null;
  #detach = () => {};

  constructor(req: IncomingMessage) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          if (req.readableEnded) return controller.close();
          // Paused explicitly, so that listening for data does not start the reads.
          req.pause();
          const onData = (chunk: Buffer) => {
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            if ((controller.desiredSize ?? 0) <= 0) req.pause();
          };
          const onEnd = () => {
            this.#detach();
            controller.close();
          };
          const fail = (reason: string) => {
            this.#detach();
            this.aborted = new BodyAbortedError(`request body aborted: ${reason}`);
            controller.error(this.aborted);
          };
          const onError = (error: Error) => fail((error as { code?: string }).code ?? error.message);
          // "close" before "end" means the client hung up mid-body.
          const onClose = () => fail("connection closed");
          this.#detach = () => {
            req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
            this.#detach = () => {};
          };
          req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
        },
        pull: () => {
          req.resume();
        },
        cancel: () => {
          this.#detach();
          req.pause();
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** Stops listening to the request: whoever answered it is done with its body. */
  release(): void {
    this.#detach();
  }
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

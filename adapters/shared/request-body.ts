/**
 * Reading request bodies that nobody has authenticated yet. The limit is
 * enforced on the bytes as they arrive, so a chunked body (no Content-Length)
 * costs at most `limit` bytes of memory, and reading stops the moment it is
 * passed: the stream is cancelled and the rest is never read (Herald's server
 * closes the connection after the answer instead of draining it).
 */

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

/**
 * Reads a web request's whole body, or rejects with {@link BodyTooLargeError}
 * once it passes `limit` bytes (or declares more) and {@link BodyAbortedError}
 * when the client hangs up mid-body. Never use `request.text()`/`json()` on
 * an unauthenticated request: they read without a limit.
 *
 * @example const raw = await readRequestBody(request, 256 * 1024);
 */
export async function readRequestBody(request: Request, limit: number): Promise<Buffer> {
  const body = request.body;
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    body?.cancel().catch(() => {});
    throw new BodyTooLargeError(limit);
  }
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (error) {
      chunks.length = 0;
      if (error instanceof BodyAbortedError) throw error;
      const reason = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
      throw new BodyAbortedError(`request body aborted: ${reason}`);
    }
    if (next.done) return Buffer.concat(chunks, size);
    size += next.value.byteLength;
    if (size > limit) {
      chunks.length = 0;
      reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(next.value);
  }
}

/** A plain-text answer to a web request: the reason a receiver refused it, for whoever reads the logs at the other end. */
export function plainText(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain" } });
}

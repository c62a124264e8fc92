import type { IncomingMessage } from "node:http";
import { BodyTooLargeError, readRequestBody } from "../../adapters/shared/request-body.ts";

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
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  try {
    return await readRequestBody(req, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new HttpError(413, error.message);
    throw error;
  }
}

import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import busboy from "busboy";

/** A node:http server listening on an ephemeral 127.0.0.1 port. */
export interface LoopbackServer {
  readonly server: Server;
  readonly port: number;
  /** "http://127.0.0.1:PORT", without a trailing slash. */
  readonly baseUrl: string;
  /** Requests received and not yet answered (or dropped): 0 means the fake owes nobody an answer. */
  readonly inFlight: number;
  /** Stops listening and drops keep-alive connections, so tests never hang on close. */
  close(): Promise<void>;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Starts `handler` on 127.0.0.1:0. A handler that throws answers 500 with the error message,
 * so a bug in a fake shows up as a failed request instead of a hung test.
 */
export async function startLoopbackServer(handler: RequestHandler): Promise<LoopbackServer> {
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    res.once("close", () => inFlight--);
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end(`fake server error: ${message}`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    get inFlight() {
      return inFlight;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Reads a whole request body; rejects bodies over `limitBytes` instead of buffering them. */
export async function readBody(req: IncomingMessage, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new Error(`request body is over ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Writes `body` as JSON with the given status and extra headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Writes a plain-text body (Slack's incoming webhooks answer "ok" or an error code this way). */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** One file part of a multipart/form-data body. */
export interface MultipartFile {
  filename: string;
  mimeType: string;
  bytes: Buffer;
}

/** A parsed multipart/form-data body: text fields and file parts by part name (a later part wins). */
export interface MultipartBody {
  fields: Map<string, string>;
  files: Map<string, MultipartFile>;
}

/**
 * Parses a multipart/form-data body with busboy. Busboy rather than `Request.formData()`
 * because clients write the part headers loosely (grammY sends `content-disposition:form-data;
 * name="x";filename=y.png` with no spaces or quotes) and the real servers accept that; undici's
 * parser does not. Throws on a malformed body.
 */
export function parseMultipart(contentType: string, body: Buffer): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    const files = new Map<string, MultipartFile>();
    const parser = busboy({
      headers: { "content-type": contentType },
      limits: { fieldSize: 16 * 1024 * 1024 },
    });
    // "close" can come before the last file stream has ended: resolve only when both happened.
    let openFiles = 0;
    let parserClosed = false;
    const settleIfDone = () => {
      if (parserClosed && openFiles === 0) resolve({ fields, files });
    };
    parser.on("field", (name, value) => fields.set(name, value));
    parser.on("file", (name, stream, info) => {
      openFiles += 1;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        files.set(name, { filename: info.filename ?? "", mimeType: info.mimeType, bytes: Buffer.concat(chunks) });
        openFiles -= 1;
        settleIfDone();
      });
    });
    parser.on("close", () => {
      parserClosed = true;
      settleIfDone();
    });
    parser.on("error", reject);
    parser.end(body);
  });
}

/** The media type of a Content-Type header, lower-cased and without parameters ("" when absent). */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

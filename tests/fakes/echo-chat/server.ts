/**
 * A strict loopback "Echo Chat" API: the fourth platform of the registry test.
 * `POST /rooms/<room>/messages` with `Authorization: Bearer <token>` and a
 * JSON body `{ text, idempotencyKey }` stores the message and answers
 * `{ id }`. It refuses what a real API would: a wrong token (401), an unknown
 * room (404), another content type, unknown fields, empty or oversized text,
 * a missing key (400). A repeated idempotency key returns the first message.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type LoopbackServer, readBody, startLoopbackServer } from "../http.ts";

/** The longest text Echo Chat takes, in UTF-16 code units. */
export const ECHO_TEXT_LIMIT = 1000;

export interface EchoMessage {
  id: string;
  room: string;
  text: string;
}

export class EchoChatFake {
  readonly messages: EchoMessage[] = [];
  /** Every request with the status it got, rejected ones included. */
  readonly requests: { path: string; status: number; reason?: string }[] = [];
  private readonly byKey = new Map<string, EchoMessage>();

  private constructor(
    private readonly http: LoopbackServer,
    readonly token: string,
    private readonly rooms: ReadonlySet<string>,
  ) {}

  static async start(options: { token: string; rooms: string[] }): Promise<EchoChatFake> {
    let fake: EchoChatFake | null = null;
    const http = await startLoopbackServer((req, res) => (fake as EchoChatFake).handle(req, res));
    fake = new EchoChatFake(http, options.token, new Set(options.rooms));
    return fake;
  }

  get apiUrl(): string {
    return this.http.baseUrl;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? "";
    const answer = (status: number, body: object, reason?: string) => {
      this.requests.push({ path, status, ...(reason ? { reason } : {}) });
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const body = await readBody(req, 64 * 1024);
    const room = /^\/rooms\/([\w-]+)\/messages$/.exec(path)?.[1];
    if (req.method !== "POST" || !room) return answer(404, { error: "no such endpoint" }, "endpoint");
    if (req.headers.authorization !== `Bearer ${this.token}`) return answer(401, { error: "bad token" }, "token");
    if (!this.rooms.has(room)) return answer(404, { error: `no room ${room}` }, "room");
    if (req.headers["content-type"] !== "application/json")
      return answer(400, { error: "content-type must be application/json" }, "content-type");
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      return answer(400, { error: "body is not JSON" }, "json");
    }
    const problem = invalid(payload);
    if (problem) return answer(400, { error: problem }, problem);
    const { text, idempotencyKey } = payload as { text: string; idempotencyKey: string };
    const seen = this.byKey.get(idempotencyKey);
    if (seen) return answer(200, { id: seen.id });
    const message = { id: `m${this.messages.length + 1}`, room, text };
    this.messages.push(message);
    this.byKey.set(idempotencyKey, message);
    return answer(200, { id: message.id });
  }
}

function invalid(payload: unknown): string | null {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return "body must be an object";
  const fields = payload as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => key !== "text" && key !== "idempotencyKey");
  if (unknown.length) return `unknown fields: ${unknown.join(", ")}`;
  if (typeof fields.text !== "string" || fields.text.trim() === "") return "text must be a non-empty string";
  if (fields.text.length > ECHO_TEXT_LIMIT) return `text is over ${ECHO_TEXT_LIMIT} characters`;
  if (typeof fields.idempotencyKey !== "string" || fields.idempotencyKey === "") return "idempotencyKey is required";
  return null;
}

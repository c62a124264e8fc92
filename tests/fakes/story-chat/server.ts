/**
 * A strict loopback "Story Chat" API: a chat with threads, edits, deletes and crossposts, for the
 * pipeline's developing-story tests before every real adapter can reply. With `Authorization: Bearer
 * <token>` and JSON bodies:
 * - `POST /rooms/<room>/messages` `{ text, idempotencyKey, silent? }` → `{ id }` (a repeated key: the first message)
 * - `PATCH /rooms/<room>/messages/<id>` `{ text }` — only a message that exists and is not deleted (else 404)
 * - `POST /rooms/<room>/messages/<id>/replies` `{ text, idempotencyKey, silent? }` → `{ id }` (404 without the parent)
 * - `POST /rooms/<room>/messages/<id>/crosspost` — at most `crosspostsPerHour` per room, then 429 with `retry_after`
 * - `DELETE /rooms/<room>/messages/<id>` → 204
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type LoopbackServer, readBody, startLoopbackServer } from "../http.ts";

export interface StoryChatMessage {
  id: string;
  room: string;
  text: string;
  silent: boolean;
  /** The parent's id for a thread reply. */
  replyTo: string | null;
  /** Each text the message had, first one included. */
  versions: string[];
  deleted: boolean;
  crossposted: boolean;
}

const MESSAGES = /^\/rooms\/([\w-]+)\/messages(?:\/(m\d+)(?:\/(replies|crosspost))?)?$/;

export class StoryChatFake {
  readonly messages: StoryChatMessage[] = [];
  /** Every request with the status it got, rejected ones included. */
  readonly requests: { method: string; path: string; status: number }[] = [];
  readonly #byKey = new Map<string, StoryChatMessage>();
  readonly #crossposts = new Map<string, number>();
  readonly #failures: { status: number; path: RegExp }[] = [];
  readonly #delays: { ms: number; path: RegExp }[] = [];

  private constructor(
    private readonly http: LoopbackServer,
    readonly token: string,
    private readonly crosspostsPerHour: number,
  ) {}

  static async start(options: { token: string; crosspostsPerHour?: number }): Promise<StoryChatFake> {
    let fake: StoryChatFake | null = null;
    const http = await startLoopbackServer((req, res) => (fake as StoryChatFake).#handle(req, res));
    fake = new StoryChatFake(http, options.token, options.crosspostsPerHour ?? 10);
    return fake;
  }

  get apiUrl(): string {
    return this.http.baseUrl;
  }

  /** The next request whose path matches `path` answers `status` (a 500 for "the platform broke mid-story"). */
  failNext(status: number, path: RegExp): void {
    this.#failures.push({ status, path });
  }

  /** The next request whose path matches `path` is answered `ms` later (a slow platform mid-send). */
  delayNext(ms: number, path: RegExp): void {
    this.#delays.push({ ms, path });
  }

  /** Top-level messages of a room that are still there. */
  posts(room: string): StoryChatMessage[] {
    return this.messages.filter((m) => m.room === room && !m.replyTo && !m.deleted);
  }

  repliesTo(id: string): StoryChatMessage[] {
    return this.messages.filter((m) => m.replyTo === id);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? "";
    const method = req.method ?? "GET";
    const answer = (status: number, body?: object) => {
      this.requests.push({ method, path, status });
      res.writeHead(status, { "content-type": "application/json" }).end(body ? JSON.stringify(body) : undefined);
    };
    const raw = await readBody(req, 64 * 1024);
    const delay = this.#delays.findIndex((d) => d.path.test(path));
    if (delay >= 0) await new Promise((resolve) => setTimeout(resolve, this.#delays.splice(delay, 1)[0]?.ms ?? 0));
    const failure = this.#failures.findIndex((f) => f.path.test(path));
    if (failure >= 0) {
      const status = this.#failures.splice(failure, 1)[0]?.status ?? 500;
      return answer(status, { error: "injected failure" });
    }
    const [, room, id, action] = MESSAGES.exec(path) ?? [];
    if (!room) return answer(404, { error: "no such endpoint" });
    if (req.headers.authorization !== `Bearer ${this.token}`) return answer(401, { error: "bad token" });
    const target = id ? this.messages.find((m) => m.id === id && m.room === room && !m.deleted) : undefined;
    if (id && !target) return answer(404, { error: `no message ${id} in ${room}` });
    if (method === "DELETE" && target && !action) {
      target.deleted = true;
      return answer(204);
    }
    if (method === "POST" && target && action === "crosspost") {
      const done = this.#crossposts.get(room) ?? 0;
      if (done >= this.crosspostsPerHour) return answer(429, { error: "crosspost limit", retry_after: 3600 });
      this.#crossposts.set(room, done + 1);
      target.crossposted = true;
      return answer(200, {});
    }
    const body = parse(raw);
    if (typeof body === "string") return answer(400, { error: body });
    if (method === "PATCH" && target && !action) {
      target.text = body.text;
      target.versions.push(body.text);
      return answer(200, {});
    }
    if (method !== "POST" || (id && action !== "replies")) return answer(405, { error: `${method} not allowed` });
    if (!body.idempotencyKey) return answer(400, { error: "idempotencyKey is required" });
    const seen = this.#byKey.get(body.idempotencyKey);
    if (seen) return answer(200, { id: seen.id });
    const message: StoryChatMessage = {
      id: `m${this.messages.length + 1}`,
      room,
      text: body.text,
      silent: body.silent === true,
      replyTo: target?.id ?? null,
      versions: [body.text],
      deleted: false,
      crossposted: false,
    };
    this.messages.push(message);
    this.#byKey.set(body.idempotencyKey, message);
    return answer(200, { id: message.id });
  }
}

function parse(raw: Buffer): { text: string; idempotencyKey?: string; silent?: boolean } | string {
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString("utf8"));
  } catch {
    return "body is not JSON";
  }
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return "body must be an object";
  const fields = payload as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !["text", "idempotencyKey", "silent"].includes(key));
  if (unknown.length) return `unknown fields: ${unknown.join(", ")}`;
  if (typeof fields.text !== "string" || fields.text.trim() === "") return "text must be a non-empty string";
  if (fields.idempotencyKey !== undefined && typeof fields.idempotencyKey !== "string") return "bad idempotencyKey";
  if (fields.silent !== undefined && typeof fields.silent !== "boolean") return "silent must be a boolean";
  return fields as { text: string; idempotencyKey?: string; silent?: boolean };
}

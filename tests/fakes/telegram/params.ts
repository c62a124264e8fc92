/**
 * Reads Bot API parameters the four ways Telegram takes them: query string, form-urlencoded,
 * JSON and multipart/form-data. In every form but JSON, values are strings and structured
 * values (reply_markup, commands, …) arrive as JSON strings.
 */
import type { IncomingMessage } from "node:http";
import { type MultipartFile, mediaTypeOf, parseMultipart, readBody } from "../http.ts";
import { badRequest } from "./errors.ts";

export type Params = Record<string, unknown>;

export interface BotRequest {
  params: Params;
  /** File parts of a multipart body, by part name. */
  files: Map<string, MultipartFile>;
  /** Aborted when the client hangs up before the answer (a long poll its poller gave up on). */
  signal?: AbortSignal;
}

async function bodyParams(req: IncomingMessage): Promise<BotRequest> {
  const body = await readBody(req);
  const files = new Map<string, MultipartFile>();
  if (body.length === 0) return { params: {}, files };
  const contentType = req.headers["content-type"];
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw badRequest("JSON object expected");
    }
    return { params: parsed as Params, files };
  }
  if (mediaType === "multipart/form-data") {
    try {
      const parsed = await parseMultipart(contentType ?? "", body);
      return { params: Object.fromEntries(parsed.fields), files: parsed.files };
    } catch {
      throw badRequest("can't parse multipart/form-data request");
    }
  }
  if (mediaType === "application/x-www-form-urlencoded") {
    return { params: Object.fromEntries(new URLSearchParams(body.toString("utf8"))), files };
  }
  throw badRequest(`unsupported Content-Type "${mediaType}"`);
}

/** Query-string parameters, overridden by body parameters. */
export async function readBotRequest(req: IncomingMessage, url: URL): Promise<BotRequest> {
  const fromBody = await bodyParams(req);
  return { params: { ...Object.fromEntries(url.searchParams), ...fromBody.params }, files: fromBody.files };
}

/** A string parameter (numbers and booleans are stringified), or undefined when absent. */
export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw badRequest(`field "${name}" must be of type String`);
}

/** An integer parameter; `fallback` when absent. */
export function integerParam(params: Params, name: string, fallback?: number): number | undefined {
  const raw = stringParam(params, name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`field "${name}" must be of type Integer`);
  return Number(raw);
}

export function booleanParam(params: Params, name: string): boolean {
  const value = params[name];
  return value === true || value === "true" || value === "1";
}

/** A structured parameter: parsed from a JSON string, or taken as is from a JSON body. */
export function jsonParam(params: Params, name: string, whatForError: string): unknown {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw badRequest(`can't parse ${whatForError} JSON object`);
  }
}

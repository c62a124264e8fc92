/**
 * Reads a Web API call the way Slack does: arguments from the query string and from a
 * form-encoded, multipart or JSON body; the token from `Authorization: Bearer …` or, for
 * form bodies only, a `token` argument (Slack ignores `token` inside JSON bodies).
 */
import type { IncomingMessage } from "node:http";
import { mediaTypeOf, parseMultipart, readBody } from "../http.ts";

/** Arguments as received: strings from forms and query strings, any JSON value from JSON bodies. */
export type ApiArgs = Record<string, unknown>;

export type ParsedApiCall = { ok: true; args: ApiArgs; token: string | undefined } | { ok: false; error: string };

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

async function bodyArgs(req: IncomingMessage, body: Buffer): Promise<{ args: ApiArgs } | { error: string }> {
  if (body.length === 0) return { args: {} };
  const contentType = req.headers["content-type"];
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === "") return { error: "missing_post_type" };
  if (mediaType === "application/x-www-form-urlencoded" || mediaType === "text/plain") {
    return { args: Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
  }
  if (mediaType === "application/json") {
    try {
      const parsed: unknown = JSON.parse(body.toString("utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { error: "invalid_json" };
      const args = { ...(parsed as ApiArgs) };
      delete args.token; // Slack does not read the token from a JSON body
      return { args };
    } catch {
      return { error: "invalid_json" };
    }
  }
  if (mediaType === "multipart/form-data") {
    try {
      const { fields } = await parseMultipart(contentType ?? "", body);
      return { args: Object.fromEntries(fields) };
    } catch {
      return { error: "invalid_form_data" };
    }
  }
  return { error: "invalid_post_type" };
}

/** Parses one Web API request; `error` is the Slack error code to answer with. */
export async function readApiCall(req: IncomingMessage, url: URL): Promise<ParsedApiCall> {
  const body = await readBody(req);
  const parsed = await bodyArgs(req, body);
  if ("error" in parsed) return { ok: false, error: parsed.error };
  const args: ApiArgs = { ...Object.fromEntries(url.searchParams), ...parsed.args };
  const token = bearerToken(req) ?? (typeof args.token === "string" ? args.token : undefined);
  delete args.token;
  return { ok: true, args, token };
}

/** A string argument, or undefined when absent or empty. Numbers are accepted as Slack coerces them. */
export function stringArg(args: ApiArgs, name: string): string | undefined {
  const value = args[name];
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A boolean argument: `true`, `"true"` or `"1"`. */
export function booleanArg(args: ApiArgs, name: string): boolean {
  const value = args[name];
  return value === true || value === "true" || value === "1" || value === 1;
}

/**
 * A structured argument (blocks, files, attachments): a JSON string in form bodies, a JSON
 * value in JSON bodies. Returns `{ invalid: true }` when a string is not JSON.
 */
export function jsonArg(args: ApiArgs, name: string): { value: unknown } | { invalid: true } | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return { value };
  try {
    return { value: JSON.parse(value) as unknown };
  } catch {
    return { invalid: true };
  }
}

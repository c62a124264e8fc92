/**
 * The routes the fake serves, with what Discord requires of each: bot auth or not,
 * the top-level resource that splits rate-limit buckets, and whether the route creates
 * a message (those are the ones `failNext` fails).
 */
import { invalidApiVersion, methodNotAllowed, notFound } from "./errors.ts";

export type RouteName =
  | "createChannelMessage"
  | "editChannelMessage"
  | "deleteChannelMessage"
  | "startThreadFromMessage"
  | "crosspostMessage"
  | "executeWebhook"
  | "editWebhookMessage"
  | "deleteWebhookMessage"
  | "interactionCallback"
  | "overwriteGlobalCommands"
  | "overwriteGuildCommands"
  | "getGatewayBot";

interface RouteDef {
  name: RouteName;
  method: string;
  /** Path after `/api[/v10]`; `{x}` captures one segment. */
  pattern: string;
  /** Requires `Authorization: Bot <token>`. */
  auth: boolean;
  createsMessage?: boolean;
  /** Interaction callbacks are not bound to the global rate limit. */
  globalExempt?: boolean;
}

const ROUTES: RouteDef[] = [
  {
    name: "createChannelMessage",
    method: "POST",
    pattern: "/channels/{channel}/messages",
    auth: true,
    createsMessage: true,
  },
  { name: "editChannelMessage", method: "PATCH", pattern: "/channels/{channel}/messages/{message}", auth: true },
  { name: "deleteChannelMessage", method: "DELETE", pattern: "/channels/{channel}/messages/{message}", auth: true },
  {
    name: "startThreadFromMessage",
    method: "POST",
    pattern: "/channels/{channel}/messages/{message}/threads",
    auth: true,
  },
  // Publishing creates a message in every following channel: `failNext` fails it like a post.
  {
    name: "crosspostMessage",
    method: "POST",
    pattern: "/channels/{channel}/messages/{message}/crosspost",
    auth: true,
    createsMessage: true,
  },
  { name: "executeWebhook", method: "POST", pattern: "/webhooks/{webhook}/{token}", auth: false, createsMessage: true },
  {
    name: "editWebhookMessage",
    method: "PATCH",
    pattern: "/webhooks/{webhook}/{token}/messages/{message}",
    auth: false,
  },
  {
    name: "deleteWebhookMessage",
    method: "DELETE",
    pattern: "/webhooks/{webhook}/{token}/messages/{message}",
    auth: false,
  },
  {
    name: "interactionCallback",
    method: "POST",
    pattern: "/interactions/{interaction}/{token}/callback",
    auth: false,
    createsMessage: true,
    globalExempt: true,
  },
  { name: "overwriteGlobalCommands", method: "PUT", pattern: "/applications/{application}/commands", auth: true },
  {
    name: "overwriteGuildCommands",
    method: "PUT",
    pattern: "/applications/{application}/guilds/{guild}/commands",
    auth: true,
  },
  { name: "getGatewayBot", method: "GET", pattern: "/gateway/bot", auth: true },
];

export interface MatchedRoute {
  name: RouteName;
  auth: boolean;
  createsMessage: boolean;
  globalExempt: boolean;
  params: Record<string, string>;
  /** Method and generalised path, e.g. `POST /channels/:id/messages` (the rate-limit route). */
  template: string;
  /** The top-level resource for rate limits: channel id, `webhookId/token`, or `global`. */
  major: string;
}

/** Matches `/api[/v10]/…`; throws Discord's 404, 405 or "Invalid API version" answers otherwise. */
export function matchRoute(method: string, pathname: string): MatchedRoute {
  const versioned = /^\/api(?:\/v(\d+))?(\/.*)$/.exec(pathname);
  if (!versioned) throw notFound();
  if (versioned[1] !== undefined && versioned[1] !== "10") throw invalidApiVersion();
  const segments = (versioned[2] ?? "").split("/").slice(1).map(decodeSegment);

  let pathMatched = false;
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, segments);
    if (!params) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    return {
      name: route.name,
      auth: route.auth,
      createsMessage: route.createsMessage ?? false,
      globalExempt: route.globalExempt ?? false,
      params,
      template: `${route.method} ${route.pattern.replace(/\{token\}/g, ":token").replace(/\{\w+\}/g, ":id")}`,
      major: params.channel ?? params.guild ?? (params.webhook ? `${params.webhook}/${params.token}` : "global"),
    };
  }
  throw pathMatched ? methodNotAllowed() : notFound();
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound();
  }
}

function matchPattern(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split("/").slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? "";
    const capture = /^\{(\w+)\}$/.exec(part);
    if (capture?.[1]) {
      if (segment === "") return undefined;
      params[capture[1]] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

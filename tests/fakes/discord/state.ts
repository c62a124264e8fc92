/** The shared state and request/reply shapes the route handlers work with. */
import type { MessageStore } from "./store.ts";
import type { RecordedCommandSet, RecordedInteractionResponse, RecordedThread } from "./types.ts";

/** A webhook the test created with `webhookUrl()`. */
export interface FakeWebhook {
  id: string;
  token: string;
  /** The channel Discord would post into (answered as `channel_id`). */
  channelId: string;
}

/** An interaction the app acknowledged through its callback. */
export interface AcknowledgedInteraction {
  interactionId: string;
  token: string;
  type: number;
  /** Id answered for `@original` (the message the response created or will create). */
  originalMessageId: string;
}

export interface FakeState {
  readonly baseUrl: string;
  readonly store: MessageStore;
  readonly webhooks: Map<string, FakeWebhook>;
  /** By interaction token. */
  readonly interactions: Map<string, AcknowledgedInteraction>;
  /**
   * By interaction token: interactions delivered to an app's HTTP endpoint whose answer
   * has not arrived yet. Edits through the token wait for it, as Discord only knows the
   * response once it has the app's answer.
   */
  readonly pendingInteractions: Map<string, Promise<void>>;
  readonly interactionResponses: RecordedInteractionResponse[];
  readonly commandSets: RecordedCommandSet[];
  /** What `GET /gateway/bot` answers as `url` (the gateway fake's, when one is attached). */
  readonly gatewayUrl: string;
  /** Channel types set by the test (0 text when absent; 5 announcement, 15 forum, 11 public thread). */
  readonly channelTypes: Map<string, number>;
  /** Threads started from messages, by thread id (= the starter message's id). */
  readonly threads: Map<string, RecordedThread>;
}

export interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  contentType: string | undefined;
  raw: Buffer;
}

/** What a handler answers: JSON, or an empty 204 when `json` is undefined. */
export interface Reply {
  status: number;
  json?: unknown;
}

export type RouteHandler = (ctx: RequestContext, state: FakeState) => Promise<Reply>;

/** Route params are checked by the server before handlers run; this narrows them. */
export function param(ctx: RequestContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route has no {${name}} parameter`);
  return value;
}

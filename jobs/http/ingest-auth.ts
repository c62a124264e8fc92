import type { HeraldConfig } from "../../config/schema.ts";
import {
  bearerValid,
  hmacSignatureValid,
  SIGNATURE_WINDOW_SECONDS,
  signatureTimestampProblem,
} from "../../src/auth.ts";
import { HttpError, readBody } from "./body.ts";
import type { ClaimOnce } from "./claim-once.ts";

export type WebhookFeed = Extract<HeraldConfig["feeds"][number], { type: "webhook" }>;

export interface IngestAuthDeps {
  /**
   * Takes one of the guard's unauthenticated-read slots for this request (HttpGuard.holdUnauthenticatedSlot:
   * 503 when none is free, the body cut off when it is slow); the result gives it back.
   */
  holdUnauthenticatedSlot: () => () => void;
  /** Remembers each HMAC signature for as long as its timestamp is acceptable, fleet-wide. */
  claimOnce: ClaimOnce;
  now?: () => number;
}

const CREDENTIALS_HINT =
  "Authorization: Bearer <token>, or X-Herald-Timestamp: <unix seconds> with X-Herald-Signature: sha256=<hex HMAC-SHA256 of '<timestamp>.<body>'>";

/**
 * Authenticates an ingest request, then reads its body. A bearer token is
 * checked before a byte of the body is read; an HMAC signature needs the
 * body, so its header and timestamp are checked first and the read takes
 * one of the guard's unauthenticated slots. Which feed the path names (or
 * that it names none) is told only to an authenticated caller: an unknown
 * feed is authenticated against the global `ingest` credentials.
 */
export async function readAuthenticatedIngest(
  request: Request,
  feedIdFromPath: string | null,
  config: HeraldConfig,
  deps: IngestAuthDeps,
): Promise<{ feed: WebhookFeed; raw: Buffer }> {
  const picked = pickFeed(config, feedIdFromPath);
  const credentials =
    "feed" in picked
      ? { token: picked.feed.token ?? config.ingest.token, secret: picked.feed.secret ?? config.ingest.secret }
      : config.ingest;
  const raw = await authenticatedBody(request, credentials, config.ingest.maxBytes, deps);
  if (!("feed" in picked)) throw picked.refusal;
  return { feed: picked.feed, raw };
}

async function authenticatedBody(
  request: Request,
  credentials: { token?: string | undefined; secret?: string | undefined },
  maxBytes: number,
  deps: IngestAuthDeps,
): Promise<Buffer> {
  const authorization = request.headers.get("authorization") ?? undefined;
  const signature = request.headers.get("x-herald-signature") ?? undefined;
  if (authorization !== undefined) {
    if (credentials.token === undefined || !bearerValid(authorization, credentials.token))
      throw unauthorized("wrong or unknown bearer token");
    return readBody(request, maxBytes);
  }
  if (signature === undefined) throw unauthorized("missing credentials");

  const timestamp = request.headers.get("x-herald-timestamp") ?? undefined;
  const now = deps.now?.() ?? Date.now();
  const stale = signatureTimestampProblem(timestamp, now);
  if (stale) throw unauthorized(stale);
  if (!/^sha256=[0-9a-fA-F]{64}$/.test(signature.trim()))
    throw unauthorized("X-Herald-Signature is not sha256=<64 hex digits>");
  // Same answer as a wrong signature, so a path without a secret cannot be told from one with.
  if (credentials.secret === undefined) throw unauthorized("signature does not match the timestamp and body");

  const release = deps.holdUnauthenticatedSlot();
  let raw: Buffer;
  try {
    raw = await readBody(request, maxBytes);
  } finally {
    release();
  }
  if (!hmacSignatureValid(raw, signature, timestamp as string, credentials.secret))
    throw unauthorized("signature does not match the timestamp and body");
  // Remembered until the timestamp leaves the window: a replay inside it is refused, one after it is stale.
  const ttlMs = (Number(timestamp) + SIGNATURE_WINDOW_SECONDS) * 1000 - now + 1000;
  let first: boolean;
  try {
    first = await deps.claimOnce(`ingest-signature:${signature.trim().slice(7).toLowerCase()}`, ttlMs);
  } catch {
    throw new HttpError(503, "cannot check the signature against replays right now; retry shortly", {
      "retry-after": "5",
    });
  }
  if (!first) throw unauthorized("replayed request: this signature was already used");
  return raw;
}

type PickedFeed = { feed: WebhookFeed } | { refusal: HttpError };

function pickFeed(config: HeraldConfig, feedId: string | null): PickedFeed {
  const webhookFeeds = config.feeds.filter((f): f is WebhookFeed => f.type === "webhook");
  if (feedId) {
    const feed = webhookFeeds.find((f) => f.id === feedId);
    return feed ? { feed } : { refusal: new HttpError(404, `no webhook feed '${feedId}'`) };
  }
  if (webhookFeeds.length === 1) return { feed: webhookFeeds[0] as WebhookFeed };
  if (webhookFeeds.length === 0) return { refusal: new HttpError(404, "no webhook feed is configured") };
  return {
    refusal: new HttpError(
      400,
      `several webhook feeds: POST to /ingest/<feed id>, one of ${webhookFeeds.map((f) => f.id).join(", ")}`,
    ),
  };
}

function unauthorized(reason: string): HttpError {
  return new HttpError(401, `${reason} (${CREDENTIALS_HINT})`, { "www-authenticate": "Bearer" });
}

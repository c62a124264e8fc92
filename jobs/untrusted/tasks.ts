import type { MessagePort } from "node:worker_threads";
import { platforms } from "../../adapters/registry.ts";
import {
  type Article,
  type ArticleFields,
  ArticleParseError,
  articleFromFields,
  NotPublishedError,
  type ParseOptions,
  parsePost,
} from "../../src/article/index.ts";
import { FeedParseError, type ParsedFeed, type ParseFeedOptions, parseFeed } from "../../src/feed/parse.ts";
import { buildMessage } from "../../src/message/build.ts";
import type { CardRef } from "../../src/message/types.ts";

/**
 * The CPU work Herald does on untrusted input, as functions a worker thread
 * runs (see worker.mjs). Inputs and results are plain data (structured
 * clone); a parse error comes back as a value, because an Error crossing
 * threads loses its class and its `input`/`reason` fields.
 */

/** A post file's bytes, or fields that arrived already split up (feed item, JSON ingest). */
export type ArticleInput = { input: string; options: Omit<ParseOptions, "onWarning"> } & (
  | { kind: "post"; raw: string | Uint8Array }
  | { kind: "fields"; fields: ArticleFields }
);

export interface FeedInput {
  bytes: Uint8Array;
  options: ParseFeedOptions;
}

/** Each task first posts on `started`, so the time budget counts running time, not time queued or spent starting the thread. */
export type Started = { started: MessagePort };

/**
 * `warnings` are what the parse repaired (broken YAML read leniently, a URL it could not derive);
 * `unpublished` marks a post its site would not publish now (`publishAt`: when it will).
 */
export type TaskResult<T> =
  | { ok: true; value: T; warnings?: string[] }
  | { ok: false; reason: string; unpublished?: { publishAt: string | null }; warnings?: string[] };

// Deliveries format with whatever card the store holds and /news show formats the full body: the proof covers every combination.
const PROOF_CARD: CardRef = {
  filename: "timeline.png",
  url: "https://herald.invalid/cards/proof.png",
  width: 2400,
  height: 1600,
};
const PROOF_CHAT_ID = "@herald_proof";

/** Parses an article and formats it for every platform, so a delivery never meets an article it cannot format in time. */
export function article(task: ArticleInput & Started): TaskResult<Article> {
  signalStart(task);
  const warnings: string[] = [];
  const options: ParseOptions = { ...task.options, onWarning: (message) => warnings.push(message) };
  try {
    const value =
      task.kind === "post"
        ? parsePost(task.raw, task.input, options)
        : articleFromFields(task.fields, task.input, options);
    proveFormattable(value, task.input);
    return { ok: true, value, warnings };
  } catch (error) {
    if (error instanceof NotPublishedError)
      return { ok: false, reason: error.reason, unpublished: { publishAt: error.publishAt }, warnings };
    if (error instanceof ArticleParseError) return { ok: false, reason: error.reason, warnings };
    throw error;
  }
}

/** Parses feed bytes (RSS, Atom, JSON Feed). */
export function feed(task: FeedInput & Started): TaskResult<ParsedFeed> {
  signalStart(task);
  try {
    return { ok: true, value: parseFeed(task.bytes, task.options) };
  } catch (error) {
    if (error instanceof FeedParseError) return { ok: false, reason: error.reason };
    throw error;
  }
}

function proveFormattable(value: Article, input: string): void {
  try {
    for (const detail of ["summary", "full"] as const) {
      for (const card of [null, PROOF_CARD]) {
        const message = buildMessage(value, { detail, card });
        for (const platform of platforms()) platform.format(message, PROOF_CHAT_ID);
      }
    }
  } catch (error) {
    // The same article fails the same way every time: it is the input's fault, not worth a retry.
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ArticleParseError(input, `cannot be formatted: ${reason}`, { cause: error });
  }
}

function signalStart(task: Started): void {
  task.started.postMessage(null);
  task.started.close();
}

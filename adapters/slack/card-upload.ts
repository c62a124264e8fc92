/**
 * Getting a card to Slack (the I/O; format.ts lays out the message that shows
 * it): uploaded as a file that is NOT shared anywhere (private to the bot),
 * then shown inside the message by an image block with `slack_file: { id }`
 * (a hosted card placement) — Slack's documented way to put a private
 * image in Block Kit ("Keep it in-house: Leveraging private files for image
 * blocks", Slack developer blog, 2024). Members see one message: header,
 * text, card and button together, and the message `ts` comes back from
 * chat.postMessage (a file shared with files.completeUploadExternal gets its
 * message asynchronously, with no ts in the answer).
 *
 * Slack processes uploads asynchronously; until it has, an image block
 * naming the file is refused with `invalid_blocks` ("invalid slack file").
 * {@link whileCardProcessing} waits a little and tries again, and the caller
 * falls back to the message without the card when Slack is still not ready.
 */

import { setTimeout as sleep } from "node:timers/promises";
import type { WebClient } from "@slack/web-api";
import type { CardFile } from "../../src/adapter.ts";
import type { Log } from "../../src/log.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { truncate } from "../../src/text/truncate.ts";
import { isSlackCode, toSlackError } from "./errors.ts";

/** files.getUploadURLExternal's alt text limit. */
const MAX_FILE_ALT_TEXT = 1000;
/** Waits before each new attempt while Slack processes a fresh upload: about 7 s in all. */
export const DEFAULT_CARD_WAITS_MS: readonly number[] = [500, 1_500, 5_000];

/** Uploads the PNG without sharing it to any channel; returns the Slack file id. */
export async function uploadPrivateCard(client: WebClient, card: CardFile, message: NewsMessage): Promise<string> {
  let answer: Awaited<ReturnType<WebClient["filesUploadV2"]>>;
  try {
    answer = await client.filesUploadV2({
      file: Buffer.from(card.png),
      filename: card.filename,
      title: truncate(message.title || card.filename, 250),
      alt_text: truncate(message.title || card.filename, MAX_FILE_ALT_TEXT),
    });
  } catch (error) {
    throw toSlackError(error, "files upload (card)");
  }
  const fileId = answer.files[0]?.files?.[0]?.id;
  if (!fileId) throw toSlackError(new Error("files.completeUploadExternal returned no file id"), "files upload (card)");
  return fileId;
}

/** Whether Slack refused a message because an image block's file is not usable (yet). */
export function isCardNotReady(error: unknown): boolean {
  if (!isSlackCode(error, "invalid_blocks")) return false;
  const data = (error as { data?: { errors?: unknown; response_metadata?: { messages?: unknown } } }).data;
  const lines = [data?.errors, data?.response_metadata?.messages].flatMap((list) => (Array.isArray(list) ? list : []));
  return lines.some((line) => typeof line === "string" && /slack.?file/i.test(line));
}

/** Returned by {@link whileCardProcessing} when Slack still refused the card after every wait. */
export const CARD_NOT_READY = Symbol("card not ready");

/**
 * Runs `send` (a call showing the card) until Slack accepts the file, waiting
 * `waitsMs[i]` before attempt i+2. Other failures are thrown as they are.
 */
export async function whileCardProcessing<T>(
  send: () => Promise<T>,
  isNotReady: (error: unknown) => boolean,
  waitsMs: readonly number[],
  signal?: AbortSignal,
): Promise<T | typeof CARD_NOT_READY> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (!isNotReady(error)) throw error;
      const wait = waitsMs[attempt];
      if (wait === undefined) return CARD_NOT_READY;
      await sleep(wait, undefined, signal ? { signal } : undefined);
    }
  }
}

/** Deletes a card file; failures are only logged (the file is private to the bot anyway). */
export async function deleteCardQuietly(client: WebClient, fileId: string, log: Log): Promise<void> {
  try {
    await client.files.delete({ file: fileId });
  } catch (error) {
    if (isSlackCode(error, "file_not_found", "file_deleted")) return;
    log.warn({ fileId, error: toSlackError(error, "files.delete").message }, "could not delete a Slack card file");
  }
}

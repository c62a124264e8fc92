/**
 * The content checks Slack applies to every message, whether it comes through chat.postMessage,
 * chat.update, chat.postEphemeral or an incoming webhook.
 */
import { validateBlocks } from "./blocks.ts";
import { type ApiArgs, jsonArg } from "./request.ts";

/** Slack rejects message text over 40,000 characters with `msg_too_long`. */
export const MAX_TEXT_CHARS = 40_000;
/** Slack rejects more than 100 legacy attachments with `too_many_attachments`. */
export const MAX_ATTACHMENTS = 100;

export interface MessageContent {
  text: string;
  blocks: unknown[];
  attachments: unknown[];
}

/** A Slack error code plus the `response_metadata.messages` that explain it. */
export interface ContentError {
  error: string;
  messages?: string[];
}

function readArray(args: ApiArgs, name: string, formatError: string): unknown[] | ContentError {
  const parsed = jsonArg(args, name);
  if (parsed === undefined) return [];
  if ("invalid" in parsed || !Array.isArray(parsed.value)) {
    return { error: formatError, messages: [`[ERROR] ${name} must be a JSON array [json-pointer:/${name}]`] };
  }
  return parsed.value;
}

/**
 * Says whether the sender may show the Slack file `id` in an image block; Slack answers
 * `invalid slack file` for files that do not exist, were deleted, or are not processed yet.
 */
export type SlackFileCheck = (id: string) => boolean;

/** `slack_file` references in image blocks and image accessories that `usable` refuses. */
function slackFileProblems(blocks: unknown[], usable: SlackFileCheck): string[] {
  const problems: string[] = [];
  const check = (image: unknown, pointer: string) => {
    if (typeof image !== "object" || image === null) return;
    const file = (image as Record<string, unknown>).slack_file;
    if (typeof file !== "object" || file === null) return;
    const id = (file as Record<string, unknown>).id;
    // The fake hands out no url_private, so a url-form reference can never name one of its files.
    if (typeof id !== "string" || !usable(id))
      problems.push(`[ERROR] invalid slack file [json-pointer:${pointer}/slack_file]`);
  };
  blocks.forEach((block, index) => {
    if (typeof block !== "object" || block === null) return;
    const { type, accessory } = block as Record<string, unknown>;
    if (type === "image") check(block, `/blocks/${index}`);
    if (
      typeof accessory === "object" &&
      accessory !== null &&
      (accessory as Record<string, unknown>).type === "image"
    ) {
      check(accessory, `/blocks/${index}/accessory`);
    }
  });
  return problems;
}

/**
 * Checks text, blocks and attachments together: `no_text` when there is nothing to show,
 * `msg_too_long`, `invalid_blocks_format` for blocks that are not a JSON array,
 * `invalid_blocks` with Slack's explanation lines, `too_many_attachments`. With
 * `fileUsable`, image blocks that show a Slack file must name one the sender can use.
 */
export function readMessageContent(args: ApiArgs, fileUsable?: SlackFileCheck): MessageContent | ContentError {
  const blocks = readArray(args, "blocks", "invalid_blocks_format");
  if (!Array.isArray(blocks)) return blocks;
  const attachments = readArray(args, "attachments", "invalid_attachments");
  if (!Array.isArray(attachments)) return attachments;
  const rawText = args.text;
  if (rawText !== undefined && typeof rawText !== "string" && typeof rawText !== "number") {
    return { error: "invalid_arguments", messages: ["[ERROR] must provide a string [json-pointer:/text]"] };
  }
  const text = rawText === undefined ? "" : String(rawText);
  if (text.trim() === "" && blocks.length === 0 && attachments.length === 0) return { error: "no_text" };
  if (Array.from(text).length > MAX_TEXT_CHARS) return { error: "msg_too_long" };
  if (attachments.length > MAX_ATTACHMENTS) return { error: "too_many_attachments" };
  const problems = validateBlocks(blocks);
  if (problems.length === 0 && fileUsable) problems.push(...slackFileProblems(blocks, fileUsable));
  if (problems.length > 0) return { error: "invalid_blocks", messages: problems };
  return { text, blocks, attachments };
}

export function isContentError(value: MessageContent | ContentError): value is ContentError {
  return "error" in value;
}

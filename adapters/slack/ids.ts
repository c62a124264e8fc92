/**
 * What `post` returns as the message id: the message's `ts`, and when the
 * message shows an uploaded card, that file's id after a "|"
 * ("1700000000.000100|F0123456789"). The file id lets `delete` remove the
 * card too. After an edit that changed the card the file part names the
 * previous card (ids cannot change on edit); that card was deleted by the
 * edit, and the new one stays private to the bot once its message is gone.
 */
import { ValidationError } from "../../src/errors.ts";

export interface SlackMessageRef {
  ts: string;
  fileId: string | null;
}

const TS = /^\d+\.\d+$/;
const FILE_ID = /^F[A-Z0-9]{8,}$/;

export function encodeMessageId(ts: string, fileId: string | null): string {
  return fileId ? `${ts}|${fileId}` : ts;
}

/** Parses an id from {@link encodeMessageId}; throws ValidationError naming the id for anything else. */
export function decodeMessageId(id: string): SlackMessageRef {
  const [ts = "", fileId, ...rest] = id.split("|");
  if (!TS.test(ts) || rest.length > 0 || (fileId !== undefined && !FILE_ID.test(fileId))) {
    throw new ValidationError(
      "slack",
      `message id '${id.slice(0, 60)}' is not a Slack message ts (like 1700000000.000100, optionally followed by |F… file id)`,
    );
  }
  return { ts, fileId: fileId ?? null };
}

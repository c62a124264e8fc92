/**
 * A command's answer as response_url messages. Text blocks become mrkdwn
 * sections (markup.ts); `article` is laid out exactly like a delivery
 * (formatSlack), with its card uploaded privately and shown through an image
 * block as in channel posts. `ephemeral` maps to `response_type`.
 */
import type { RespondArguments, RespondFn } from "@slack/bolt";
import type { SectionBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { CardFile } from "../../src/adapter.ts";
import type { Block } from "../../src/article/types.ts";
import type { CommandReply } from "../../src/chat/types.ts";
import { hostedCard, linkedCard } from "../../src/message/card-placement.ts";
import { paginate } from "../../src/message/fit.ts";
import { blocksText } from "../../src/message/plain.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { fitText } from "../../src/text/truncate.ts";
import { CARD_NOT_READY, deleteCardQuietly, uploadPrivateCard, whileCardProcessing } from "./card-upload.ts";
import { formatSlack } from "./format.ts";
import { SLACK_LIMITS as L } from "./limits.ts";
import { escapeSlackText, renderSlackBlocks } from "./markup.ts";
import type { SlackLog } from "./types.ts";

export interface ReplyContext {
  client: WebClient;
  log: SlackLog;
  cardWaitsMs: readonly number[];
}

function responseType(ephemeral: boolean): "ephemeral" | "in_channel" {
  return ephemeral ? "ephemeral" : "in_channel";
}

/** Text blocks as one response_url message: sections of at most 3000 characters, at most 50. */
export function textReply(blocks: Block[], ephemeral: boolean): RespondArguments {
  const sections = paginate(blocks, renderSlackBlocks, L.sectionText, L.blocksPerMessage).map(
    (text): SectionBlock => ({ type: "section", text: { type: "mrkdwn", text, verbatim: true } }),
  );
  const fallback = fitText(blocksText(blocks), escapeSlackText, L.fallbackText) || "…";
  return {
    response_type: responseType(ephemeral),
    replace_original: false,
    text: fallback,
    ...(sections.length > 0 ? { blocks: sections } : {}),
  };
}

/** response_url answers 400 with the error code in plain text (like incoming webhooks). */
function isResponseCardNotReady(error: unknown): boolean {
  const response = (error as { response?: { status?: unknown; data?: unknown } }).response;
  return response?.status === 400 && /invalid_blocks/.test(String(response.data));
}

/** Sends the reply: its text blocks, then the article when there is one. */
export async function sendReply(respond: RespondFn, reply: CommandReply, context: ReplyContext): Promise<void> {
  if (reply.blocks.length > 0 || !reply.article) await respond(textReply(reply.blocks, reply.ephemeral));
  const article = reply.article;
  if (!article) return;
  const type = responseType(reply.ephemeral);
  const fileId = article.card ? await uploadQuietly(article.card, article.message, context) : null;
  if (fileId) {
    const shown = await whileCardProcessing(
      () => respond({ ...formatSlack(article.message, hostedCard(fileId)), response_type: type, replace_original: false }),
      isResponseCardNotReady,
      context.cardWaitsMs,
    ).catch(async (error: unknown) => {
      await deleteCardQuietly(context.client, fileId, context.log);
      throw error;
    });
    // A shown card stays: deleting the file would blank the image in the reply.
    if (shown !== CARD_NOT_READY) return;
    await deleteCardQuietly(context.client, fileId, context.log);
  }
  await respond({ ...formatSlack(article.message, linkedCard(article.message.card)), response_type: type, replace_original: false });
}

/** The card's file id, or null (logged) when the upload failed: the article is then sent without it. */
async function uploadQuietly(card: CardFile, message: NewsMessage, context: ReplyContext): Promise<string | null> {
  try {
    return await uploadPrivateCard(context.client, card, message);
  } catch (error) {
    context.log.warn({ articleId: message.articleId, error: (error as Error).message }, "could not upload the card for a command reply");
    return null;
  }
}

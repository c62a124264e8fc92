/**
 * `/news` and `/feeds` for Bolt, the same in HTTP and Socket Mode. Each
 * command is acknowledged at once (Slack allows 3 s), then the user is looked
 * up (admin flags, locale), the handler runs, and the reply goes to the
 * command's response_url via `respond` (valid 30 minutes, 5 messages).
 */
import type { App, RespondFn, SlashCommand } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { CardFile } from "../../src/adapter.ts";
import type { CommandHandler, CommandReply } from "../../src/chat/types.ts";
import type { Log } from "../../src/log.ts";
import { hostedCard, linkedCard } from "../../src/message/card-placement.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { CARD_NOT_READY, deleteCardQuietly, uploadPrivateCard, whileCardProcessing } from "./card-upload.ts";
import { commandRequestFrom, type RequestDeps } from "./command-request.ts";
import { formatSlack } from "./format.ts";
import { failureReply, responseType, textReply } from "./reply.ts";

export interface SlashCommandContext extends RequestDeps {
  handler: CommandHandler;
  cardWaitsMs: readonly number[];
}

/** What sending a reply needs. */
export interface ReplyContext {
  client: WebClient;
  log: Log;
  cardWaitsMs: readonly number[];
}

/** The `action_id` of the "Read more" link button (format.ts); clicks only need an ack. */
const READ_MORE_ACTION = "herald_read_more";

export function registerSlashCommands(app: App, context: SlashCommandContext): void {
  app.command(/^\/(news|feeds)$/, async ({ command, ack, respond }) => {
    await ack();
    await answerCommand(command, respond, context);
  });
  // Link buttons also send an interaction when interactivity is on; unanswered, Slack shows a warning.
  app.action(READ_MORE_ACTION, async ({ ack }) => {
    await ack();
  });
}

/** Turns one slash command into a CommandRequest, runs it, and answers through response_url. */
export async function answerCommand(
  command: SlashCommand,
  respond: RespondFn,
  context: SlashCommandContext,
): Promise<void> {
  const request = await commandRequestFrom(command, context);
  const where = { command: request.command, subcommand: request.subcommand };
  let reply: CommandReply;
  try {
    reply = await context.handler(request);
  } catch (error) {
    context.log.error({ ...where, error: (error as Error)?.message }, "Slack command handler failed");
    reply = failureReply(request.locale);
  }
  try {
    await sendReply(respond, reply, context);
  } catch (error) {
    // The response_url is a bearer URL for this user: log the status only.
    const status = (error as { response?: { status?: number } }).response?.status;
    context.log.error(
      { ...where, status, error: status ? undefined : (error as Error)?.message },
      "could not send the Slack command reply",
    );
  }
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
      () =>
        respond({ ...formatSlack(article.message, hostedCard(fileId)), response_type: type, replace_original: false }),
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
  await respond({
    ...formatSlack(article.message, linkedCard(article.message.card)),
    response_type: type,
    replace_original: false,
  });
}

/** The card's file id, or null (logged) when the upload failed: the article is then sent without it. */
async function uploadQuietly(card: CardFile, message: NewsMessage, context: ReplyContext): Promise<string | null> {
  try {
    return await uploadPrivateCard(context.client, card, message);
  } catch (error) {
    context.log.warn(
      { articleId: message.articleId, error: (error as Error).message },
      "could not upload the card for a command reply",
    );
    return null;
  }
}

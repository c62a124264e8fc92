import { FormData } from "undici";
import type { CardFile, PostedMessage, Poster, PostOptions } from "../../src/adapter.ts";
import { uploadedCard } from "../../src/message/card-placement.ts";
import type { NewsMessage, StoryUpdate } from "../../src/message/types.ts";
import { failure, postTo } from "../shared/http.ts";
import { formatDiscord, formatDiscordUpdate } from "./format.ts";

/**
 * Posts to a Discord webhook URL (`…/api/webhooks/{id}/{token}`) with
 * `?wait=true`, so Discord answers with the created message and its id.
 * With a card the request is multipart: `payload_json` plus `files[0]`.
 *
 * A webhook cannot start a thread. With `threadId` (the destination's thread or forum post) it posts,
 * edits and deletes there (`?thread_id=`), and `reply` posts a story's updates into that same thread;
 * a plain webhook has no `reply`, so story mode there only edits.
 */
export class DiscordWebhookPoster implements Poster {
  readonly platform = "discord-webhook" as const;
  /** Present only with a thread to post into (see the class comment). */
  readonly reply?: (messageId: string, update: StoryUpdate, options: PostOptions) => Promise<PostedMessage>;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 15_000,
    private readonly threadId: string | null = null,
  ) {
    if (threadId) this.reply = (_messageId, update, options) => this.postUpdate(update, options);
  }

  async post(message: NewsMessage, card: CardFile | null, options: PostOptions): Promise<PostedMessage> {
    const payload = formatDiscord(message, uploadedCard(card), options.notify);
    const body = await this.send("POST", this.target(), payload, card, options.signal);
    return { id: typeof body?.id === "string" ? body.id : null };
  }

  /** `PATCH …/messages/{id}`: webhooks may edit what they posted. Without a card, `attachments: []` removes the old one. */
  async edit(messageId: string, message: NewsMessage, card: CardFile | null): Promise<void> {
    await this.send("PATCH", this.target(messageId), formatDiscord(message, uploadedCard(card)), card);
  }

  /** `DELETE …/messages/{id}`; one already gone counts as deleted. */
  async delete(messageId: string): Promise<void> {
    const url = this.target(messageId);
    const answer = await postTo(this.platform, url, undefined, {}, this.timeoutMs, undefined, "DELETE");
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 404) return;
    throw this.failureOf("DELETE", url, answer, parseJson(answer.text));
  }

  private async postUpdate(update: StoryUpdate, options: PostOptions): Promise<PostedMessage> {
    const body = await this.send(
      "POST",
      this.target(),
      formatDiscordUpdate(update, options.notify),
      null,
      options.signal,
    );
    return { id: typeof body?.id === "string" ? body.id : null };
  }

  /** The execute URL (`?wait=true`) or a message's URL, in the destination's thread when it has one. */
  private target(messageId?: string): string {
    const target = new URL(this.url);
    if (messageId === undefined) target.searchParams.set("wait", "true");
    else target.pathname = `${target.pathname.replace(/\/$/, "")}/messages/${encodeURIComponent(messageId)}`;
    if (this.threadId) target.searchParams.set("thread_id", this.threadId);
    return target.href;
  }

  private async send(
    method: "POST" | "PATCH",
    url: string,
    formatted: ReturnType<typeof formatDiscord>,
    card: CardFile | null,
    signal?: AbortSignal,
  ) {
    const payload = { attachments: [], ...formatted };
    let answer: Awaited<ReturnType<typeof postTo>>;
    if (card) {
      const form = new FormData();
      // formatDiscord already lists the attachment (id 0, with alt text) that files[0] fills.
      form.append("payload_json", JSON.stringify(payload));
      form.append("files[0]", new Blob([new Uint8Array(card.png)], { type: "image/png" }), card.filename);
      answer = await postTo(this.platform, url, form, {}, this.timeoutMs, signal, method);
    } else {
      answer = await postTo(
        this.platform,
        url,
        JSON.stringify(payload),
        { "content-type": "application/json" },
        this.timeoutMs,
        signal,
        method,
      );
    }
    const body = parseJson(answer.text);
    if (answer.status >= 200 && answer.status < 300) return body;
    throw this.failureOf(method, url, answer, body);
  }

  private failureOf(
    method: string,
    url: string,
    answer: Awaited<ReturnType<typeof postTo>>,
    body: Record<string, unknown> | null,
  ) {
    const detail = body?.message ? `${body.message}${body.code ? ` [${body.code}]` : ""}` : `HTTP ${answer.status}`;
    const platformCode = typeof body?.code === "number" ? body.code : undefined;
    return failure(
      this.platform,
      this.url,
      answer,
      detail,
      { method, url },
      { platformCode, retryAfter: body?.retry_after },
    );
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

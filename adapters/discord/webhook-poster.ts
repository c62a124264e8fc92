import { FormData } from "undici";
import type { CardFile, PostedMessage, Poster, PostOptions } from "../../src/adapter.ts";
import { uploadedCard } from "../../src/message/card-placement.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { failure, postTo } from "../shared/http.ts";
import { formatDiscord } from "./format.ts";

/**
 * Posts to a Discord webhook URL (`…/api/webhooks/{id}/{token}`) with
 * `?wait=true`, so Discord answers with the created message and its id.
 * With a card the request is multipart: `payload_json` plus `files[0]`.
 */
export class DiscordWebhookPoster implements Poster {
  readonly platform = "discord-webhook" as const;
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async post(message: NewsMessage, card: CardFile | null, options: PostOptions): Promise<PostedMessage> {
    const target = new URL(this.url);
    target.searchParams.set("wait", "true");
    const body = await this.send("POST", target.href, message, card, options.signal);
    return { id: typeof body?.id === "string" ? body.id : null };
  }

  /** `PATCH …/messages/{id}`: webhooks may edit what they posted. Without a card, `attachments: []` removes the old one. */
  async edit(messageId: string, message: NewsMessage, card: CardFile | null): Promise<void> {
    const target = new URL(this.url);
    target.pathname = `${target.pathname.replace(/\/$/, "")}/messages/${encodeURIComponent(messageId)}`;
    await this.send("PATCH", target.href, message, card);
  }

  private async send(
    method: "POST" | "PATCH",
    url: string,
    message: NewsMessage,
    card: CardFile | null,
    signal?: AbortSignal,
  ) {
    const payload = { attachments: [], ...formatDiscord(message, uploadedCard(card)) };
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
    const detail = body?.message ? `${body.message}${body.code ? ` [${body.code}]` : ""}` : `HTTP ${answer.status}`;
    const platformCode = typeof body?.code === "number" ? body.code : undefined;
    throw failure(
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

import type { CardFile, PostedMessage, Poster, PostOptions } from "../../src/adapter.ts";
import { linkedCard } from "../../src/message/card-placement.ts";
import type { NewsMessage } from "../../src/message/types.ts";
import { failure, postTo } from "../shared/http.ts";
import { formatSlack } from "./format.ts";

/**
 * Posts to a Slack incoming webhook. Incoming webhooks cannot upload files:
 * the card is shown only through an image block when the message carries a
 * public card URL (cards.publicBaseUrl in config). Slack returns no message id.
 */
export class SlackWebhookPoster implements Poster {
  readonly platform = "slack-webhook" as const;
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async post(message: NewsMessage, _card: CardFile | null, options: PostOptions): Promise<PostedMessage> {
    const answer = await postTo(
      this.platform,
      this.url,
      JSON.stringify(formatSlack(message, linkedCard(message.card), options.notify)),
      { "content-type": "application/json" },
      this.timeoutMs,
      options.signal,
    );
    if (answer.status >= 200 && answer.status < 300) return { id: null };
    const said = answer.text.trim();
    // Incoming webhooks answer errors as a bare code (`channel_not_found`, `invalid_payload`).
    const platformCode = /^[a-z_]+$/.test(said) ? said : undefined;
    throw failure(
      this.platform,
      this.url,
      answer,
      said.slice(0, 200) || `HTTP ${answer.status}`,
      { method: "POST" },
      { platformCode },
    );
  }
}

/** Slack as adapters/registry.ts lists it. */
import { linkedCard } from "../../src/message/card-placement.ts";
import { definePlatform, destinationKind, loadOnce } from "../shared/platform.ts";
import { slackDestination, slackSection, slackWebhookDestination } from "./config.ts";
import { formatSlack } from "./format.ts";
import { SLACK_PREVIEW_CSS, slackMock } from "./preview.ts";

/** Loaded on first use, once: every webhook destination makes a poster. */
const webhookPoster = loadOnce(() => import("./webhook-poster.ts"));

export const slackPlatform = definePlatform({
  id: "slack",
  title: "Slack",
  section: slackSection,
  destinations: [
    destinationKind({ schema: slackDestination, botChannel: (d) => d.channel }),
    destinationKind({
      schema: slackWebhookDestination,
      poster: async (d, { timeoutMs }) => new (await webhookPoster()).SlackWebhookPoster(d.url, timeoutMs),
      commandChannel: (d) => d.channel,
    }),
  ],
  apiUrlEnv: "SLACK_API_URL",
  async create(s, { log }) {
    // Loaded on first use: the client library is most of an adapter's weight.
    const { createSlackAdapter } = await import("./index.ts");
    return createSlackAdapter({
      botToken: s.botToken || undefined,
      signingSecret: s.signingSecret || undefined,
      appToken: s.appToken || undefined,
      mode: s.mode,
      apiUrl: s.apiUrl,
      admins: s.admins,
      log,
    });
  },
  // Socket Mode lets several processes hold a connection each: Slack sends each command to one of them.
  commandTransport: (s) => (s.mode === "socket" ? "connection" : "http"),
  httpAuth: "signed-body",
  // Without the bot's upload (a preview has no Slack to upload to): the card only from a public URL.
  format: (message) => formatSlack(message, linkedCard(message.card)),
  preview: { mock: slackMock, css: SLACK_PREVIEW_CSS },
  commandsSetUpElsewhere:
    "slack: slash commands come from the app manifest (config/slack-manifest.yaml); nothing to register here",
});

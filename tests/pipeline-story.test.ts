/**
 * A developing story through the whole service, per platform, against the strict fakes: the seed is
 * posted once; each new version edits that one message in place (new text, new card) and — where the
 * platform's poster can reply — adds one thread reply naming the new rows; versions 100 ms apart end
 * on the newest; a retraction edits the message to the retracted form and posts nothing new.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type Service, startService } from "../jobs/service.ts";
import type { Poster } from "../src/adapter.ts";
import { pngSize } from "../src/card/png.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { SlackFake } from "./fakes/slack/server.ts";
import { TelegramFake } from "./fakes/telegram/server.ts";
import { publicKeyHex } from "./helpers/discord.ts";
import { waitForServiceDrained } from "./helpers/drained.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { STORY_ROWS, storyPost } from "./helpers/story-posts.ts";

const INGEST = "story-ingest-token";
const DISCORD_TOKEN = "story-discord-bot-token";
const SLACK_TOKEN = "xoxb-herald-story-token";
const TELEGRAM_TOKEN = "223344556:AAStoryTestTokenForHeraldTelegram00";
const DISCORD_CHANNEL = "1230000000000000888";
const SLACK_CHANNEL = "C0STORYDESK";
const TELEGRAM_CHAT = "-1009990001111";

/**
 * What a test reads from one platform's fake: the top-level post as it stands, and the thread under it.
 * `post` is the post's message id(s) as Herald recorded them (Telegram: "photo,follow-up").
 */
interface View {
  /** Top-level messages Herald left in the channel (not deleted). */
  topLevel(post: string): { id: string; text: string; card: Buffer | null }[];
  /** How many times the top-level post was edited. */
  edits(post: string): number;
  /** The thread replies' visible text, in order. */
  replies(post: string): string[];
}

interface Platform {
  name: string;
  start(): Promise<{ config: Record<string, unknown>; view: View; close: () => Promise<void> }>;
}

const platforms: Platform[] = [
  {
    name: "Discord",
    async start() {
      const discord = await DiscordFake.start({ botToken: DISCORD_TOKEN });
      const publicKey = publicKeyHex(generateKeyPairSync("ed25519").publicKey);
      const inChannel = () => discord.messages.filter((m) => m.channelId === DISCORD_CHANNEL && !m.deletedAt);
      return {
        config: {
          discord: { token: DISCORD_TOKEN, mode: "http", publicKey, apiUrl: discord.api },
          destinations: [{ id: "desk", type: "discord", channelId: DISCORD_CHANNEL }],
        },
        view: {
          topLevel: () =>
            inChannel().map((m) => ({
              id: m.id,
              // What members see; the fake keeps the create request's other keys (attachments' descriptions) beside it.
              text: JSON.stringify({ content: m.body.content, embeds: m.body.embeds }),
              card: m.files[0]?.bytes ?? null,
            })),
          edits: (post) =>
            discord.requests.filter((r) => r.method === "PATCH" && r.path.endsWith(`/messages/${post}`)).length,
          replies: () =>
            discord.messages.filter((m) => m.channelId !== DISCORD_CHANNEL).map((m) => JSON.stringify(m.body)),
        },
        close: () => discord.close(),
      };
    },
  },
  {
    name: "Slack",
    async start() {
      const slack = await SlackFake.start({ botToken: SLACK_TOKEN, channels: { [SLACK_CHANNEL]: "story-desk" } });
      const cardOf = (blocks: { type: string; slack_file?: { id: string } }[]) => {
        const id = blocks.find((b) => b.type === "image" && b.slack_file)?.slack_file?.id;
        return slack.uploads.find((u) => u.fileId === id)?.bytes ?? null;
      };
      return {
        config: {
          slack: {
            botToken: SLACK_TOKEN,
            signingSecret: "0123456789abcdef0123456789abcdef",
            mode: "http",
            apiUrl: slack.apiUrl,
          },
          destinations: [{ id: "desk", type: "slack", channel: SLACK_CHANNEL }],
        },
        view: {
          topLevel: () =>
            slack.messages
              .filter((m) => m.channel === SLACK_CHANNEL && !m.threadTs && !m.deleted)
              .map((m) => ({ id: m.ts, text: `${m.text} ${JSON.stringify(m.blocks)}`, card: cardOf(m.blocks) })),
          edits: () => slack.calls.filter((c) => c.method === "chat.update" && c.status === 200).length,
          replies: () => slack.messages.filter((m) => m.threadTs).map((m) => `${m.text} ${JSON.stringify(m.blocks)}`),
        },
        close: () => slack.close(),
      };
    },
  },
  {
    name: "Telegram",
    async start() {
      const telegram = await TelegramFake.start({ token: TELEGRAM_TOKEN });
      return {
        config: {
          telegram: {
            token: TELEGRAM_TOKEN,
            mode: "webhook",
            webhookSecret: "story-secret-0123456789",
            apiUrl: telegram.apiRoot,
          },
          destinations: [{ id: "desk", type: "telegram", chatId: TELEGRAM_CHAT }],
        },
        view: {
          // The post is the photo (with the card) or text message Herald recorded, plus its follow-up text.
          topLevel: (post) => {
            const [first] = post.split(",");
            const now = telegram.messagesIn(TELEGRAM_CHAT).filter((m) => post.split(",").includes(String(m.messageId)));
            const media = telegram.sent.filter((s) => String(s.messageId) === first && s.photo).at(-1);
            return now.length
              ? [{ id: post, text: now.map((m) => m.visibleText).join("\n"), card: media?.photo?.bytes ?? null }]
              : [];
          },
          edits: (post) =>
            telegram.sent.filter((s) => s.method.startsWith("edit") && String(s.messageId) === post.split(",")[0])
              .length,
          replies: (post) =>
            telegram.sent
              .filter((s) => s.method.startsWith("send") && !post.split(",").includes(String(s.messageId)))
              .map((s) => s.visibleText ?? ""),
        },
        close: () => telegram.close(),
      };
    },
  },
];

describe.each(platforms)(
  "a developing story on $name (real Redis, SQLite, Chromium, the fake's HTTP API)",
  (platform) => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setup(): Promise<{ service: Service; view: View; poster: Poster }> {
      const fake = await platform.start();
      cleanups.push(fake.close);
      const t = testConfig({
        ingest: { token: INGEST },
        ...fake.config,
        feeds: [{ id: "wire", type: "webhook", baseUrl: "https://news.example.kr", destinations: ["desk"] }],
      });
      cleanups.push(t.cleanup);
      const service = await startService(t.config, { log: silentLog });
      cleanups.push(() => service.stop(5000));
      return { service, view: fake.view, poster: await service.runtime.context.poster("desk") };
    }

    const ingest = (service: Service, body: string) =>
      fetch(`http://127.0.0.1:${service.port}/ingest/wire`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST}`, "content-type": "text/markdown" },
        body,
      });

    /** Waits for version `version` of the story to be delivered; its message id(s) as recorded. */
    const delivered = async (service: Service, articleId: string, version: number) => {
      const row = await waitFor(
        async () => {
          const rows = await service.runtime.store.listArticleDeliveries(articleId);
          return rows.find((r) => r.version === version && r.state === "delivered") ?? null;
        },
        60_000,
        `v${version} delivered`,
      );
      return row.platformMessageId ?? "";
    };

    const articleIdOf = async (response: Response) => {
      expect(response.status).toBe(202);
      return ((await response.json()) as { articleId: string }).articleId;
    };

    it("edits the one post in place with the new rows and card, and threads what changed, newest last", async () => {
      const { service, view, poster } = await setup();
      const id = await articleIdOf(await ingest(service, storyPost({ rows: 3 })));
      const post = await delivered(service, id, 1);
      const [seed] = view.topLevel(post);
      expect(view.topLevel(post)).toHaveLength(1);
      expect(seed?.text).toContain(STORY_ROWS[2]?.[1]);

      // A 4th row: the same post, edited once, with a different card; one reply with the new row's time and text.
      await articleIdOf(await ingest(service, storyPost({ rows: 4 })));
      expect(await delivered(service, id, 2)).toBe(post);
      await waitForServiceDrained(service);
      const [edited] = view.topLevel(post);
      expect(view.topLevel(post)).toHaveLength(1);
      expect(view.edits(post)).toBe(1);
      expect(edited?.text).toContain(STORY_ROWS[3]?.[1]);
      expect(seed?.card).not.toBeNull();
      expect(edited?.card).not.toBeNull();
      expect(Buffer.compare(edited?.card ?? Buffer.alloc(0), seed?.card ?? Buffer.alloc(0))).not.toBe(0);
      // Every bot poster can thread: exactly one reply, naming the new row's time and text.
      expect(typeof poster.reply).toBe("function");
      expect(view.replies(post)).toHaveLength(1);
      expect(view.replies(post)[0]).toContain(STORY_ROWS[3]?.[0]);
      expect(view.replies(post)[0]).toContain(STORY_ROWS[3]?.[1]);

      // Two more versions 100 ms apart: the final state is the newest, and no reply comes out of order.
      await articleIdOf(await ingest(service, storyPost({ rows: 5 })));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await articleIdOf(await ingest(service, storyPost({ rows: 6 })));
      await delivered(service, id, 4);
      await waitForServiceDrained(service);
      const [latest] = view.topLevel(post);
      expect(view.topLevel(post)).toHaveLength(1);
      expect(latest?.text).toContain(STORY_ROWS[5]?.[1]);
      // Each reply names only rows after the previous one's, so together they read in the timeline's order.
      const named = view
        .replies(post)
        .flatMap((reply) => STORY_ROWS.flatMap(([, event], i) => (reply.includes(event) ? [i] : [])));
      expect(named).toEqual([3, 4, 5]);
    }, 120_000);

    it("edits a retracted story to its retracted form: no body, no card, nothing posted anew", async () => {
      const { service, view } = await setup();
      const id = await articleIdOf(await ingest(service, storyPost({ rows: 3, slug: "retracted" })));
      const post = await delivered(service, id, 1);
      const [seed] = view.topLevel(post);
      expect(view.topLevel(post)).toHaveLength(1);
      expect(seed?.card).not.toBeNull();

      const retracted = storyPost({ rows: 3, slug: "retracted", extraFrontMatter: "retracted: true\n" });
      await articleIdOf(await ingest(service, retracted));
      expect(await delivered(service, id, 2)).toBe(post);
      await waitForServiceDrained(service);
      const [after] = view.topLevel(post);
      expect(view.topLevel(post)).toHaveLength(1);
      expect(view.edits(post)).toBe(1);
      expect(after?.text).not.toContain(STORY_ROWS[2]?.[1]);
      // The timeline card is gone. Telegram cannot take the photo off a message: it becomes a plain grey one.
      if (platform.name === "Telegram") {
        expect(after?.card).not.toBeNull();
        expect(Buffer.compare(after?.card ?? Buffer.alloc(0), seed?.card ?? Buffer.alloc(0))).not.toBe(0);
        expect(pngSize(after?.card ?? Buffer.alloc(0))).toEqual({ width: 640, height: 160 });
      } else expect(after?.card ?? null).toBeNull();
      expect(view.replies(post)).toHaveLength(0);
    }, 120_000);
  },
);

/**
 * Command round trip: `/news search 장애` through Discord's HTTP interactions
 * endpoint of a running `startService(config)` whose store holds 10,000
 * articles. The Discord fake plays Discord: it POSTs the interaction signed
 * with an Ed25519 key generated here, gets the deferred answer, and records
 * the `@original` edit carrying the results; the figure is the time from the
 * signed POST until that edit is recorded. The baseline is `runCommand`
 * called directly on the same store.
 * Run alone with `node --import tsx bench/command.ts`.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { parseRoles } from "../jobs/roles.ts";
import { startService } from "../jobs/service.ts";
import type { CommandRequest } from "../src/chat/types.ts";
import { runCommand } from "../src/commands/index.ts";
import { openStore } from "../src/store/index.ts";
import { DiscordFake, fakeSnowflake } from "../tests/fakes/discord/server.ts";
import { fillStore } from "./corpus.ts";
import { benchConfig, scratch, seconds } from "./harness.ts";
import { heading, isMain, note, report, sample, stats } from "./lib.ts";

const ARTICLES = 10_000;
const RUNS = 40;
const WARMUP = 3;
const QUERY = "장애";
const TOKEN = "bench-discord-bot-token";
const APPLICATION = "1240000000000000301";
const CHANNEL = "1230000000000000301";
const USER = "1270000000000000301";
const DESTINATION = "news";
const FEED = "wire";

/** A `/news search` CHAT_INPUT interaction as Discord sends it from a server channel. */
function searchInteraction() {
  const user = { id: USER, username: "reader", discriminator: "0", global_name: "Reader" };
  return {
    id: fakeSnowflake(),
    application_id: APPLICATION,
    type: 2,
    token: `aW50ZXJhY3Rpb246${randomBytes(24).toString("base64url")}`,
    version: 1,
    locale: "ko",
    guild_locale: "ko",
    guild_id: "1250000000000000301",
    channel_id: CHANNEL,
    channel: { id: CHANNEL, type: 0, name: "news" },
    app_permissions: "2248473465835073",
    member: { user, roles: [], permissions: "2048", joined_at: "2024-01-01T00:00:00.000Z" },
    data: {
      id: fakeSnowflake(),
      name: "news",
      type: 1,
      options: [{ name: "search", type: 1, options: [{ name: "query", type: 3, value: QUERY }] }],
    },
  };
}

export async function benchCommand(): Promise<void> {
  heading(`command round trip: /news search ${QUERY} via the Discord interactions endpoint`, {
    articles: ARTICLES,
    runs: RUNS,
  });
  const space = scratch("command");
  const seeding = await openStore({ path: space.dbPath });
  try {
    // From a feed that posts to the channel: `/news` in a channel looks only at what its feeds bring there.
    await seeding.upsertDestination({ id: DESTINATION, type: "discord", config: { channelId: CHANNEL } });
    await seeding.upsertFeed({ id: FEED, type: "webhook", config: {}, destinationIds: [DESTINATION] });
    note(
      `stored and indexed ${ARTICLES.toLocaleString("en-US")} articles in ${seconds(await fillStore(seeding, ARTICLES, FEED))}`,
    );
  } finally {
    await seeding.close();
  }

  const fake = await DiscordFake.start({ botToken: TOKEN });
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  // The raw 32-byte key is the tail of the DER SubjectPublicKeyInfo, as the Developer Portal shows it.
  const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
  const signer = (body: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return {
      "x-signature-ed25519": sign(null, Buffer.from(`${timestamp}${body}`), privateKey).toString("hex"),
      "x-signature-timestamp": timestamp,
    };
  };
  const service = await startService(
    benchConfig(space, {
      cards: { enabled: false },
      discord: { token: TOKEN, publicKey: publicKeyHex, mode: "http", apiUrl: fake.api },
      destinations: [{ id: DESTINATION, type: "discord", channelId: CHANNEL }],
      feeds: [{ id: FEED, type: "webhook", destinations: [DESTINATION] }],
      ingest: { token: "bench-ingest-token" },
    }),
    { roles: parseRoles("http,sources,bots") },
  ).catch(async (error: unknown) => {
    // A config or start that fails must not leave the fake listening: the bench run would never end.
    await fake.close();
    await space.cleanup();
    throw error;
  });
  const endpoint = `http://127.0.0.1:${service.port}/discord/interactions`;
  try {
    const acks: number[] = [];
    const roundTrip = async () => {
      const interaction = searchInteraction();
      const start = performance.now();
      const answer = await fake.sendInteraction(endpoint, interaction, signer);
      if (answer.status !== 200)
        throw new Error(`interactions endpoint answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      acks.push(performance.now() - start);
      for (;;) {
        const edit = fake.interactionResponses.find((r) => r.kind === "edit-original" && r.token === interaction.token);
        if (edit) return edit;
        if (performance.now() - start > 10_000) throw new Error("no @original edit within 10 s");
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    const subject = await sample(RUNS, roundTrip, WARMUP);
    const ack = stats(acks.slice(WARMUP));

    const last = JSON.stringify(fake.interactionResponses.filter((r) => r.kind === "edit-original").at(-1)?.body ?? {});
    // The corpus's article URLs: an edit without one is an error or "nothing found", not a result list.
    if (!last.includes("https://news.example/"))
      throw new Error(`the @original edit shows no search results: ${last.slice(0, 300)}`);

    const services = {
      store: service.runtime.store,
      destinationsFor: async () => [DESTINATION],
      ensureDestination: () => {
        throw new Error("not needed for /news search");
      },
      onFeedsChanged: async () => {},
      allowPrivateFeedUrls: false,
    };
    const request: CommandRequest = {
      platform: "discord",
      command: "news",
      subcommand: "search",
      options: { query: QUERY },
      channelId: CHANNEL,
      userId: USER,
      locale: "ko",
      isAdmin: async () => false,
    };
    const baseline = await sample(RUNS, () => runCommand(request, services), WARMUP);

    report(
      `/news search ${QUERY}: signed POST → @original edit recorded`,
      subject,
      baseline,
      "baseline: runCommand on the same store",
    );
    note(
      `the deferred answer (type 5) came back in median ${ack.median.toFixed(1)} ms / p95 ${ack.p95.toFixed(1)} ms; the final edit (5 hits) was ${last.length.toLocaleString("en-US")} bytes of JSON`,
    );
  } finally {
    await service.stop(5000);
    await fake.close();
    await space.cleanup();
  }
}

if (isMain(import.meta.url)) await benchCommand();
